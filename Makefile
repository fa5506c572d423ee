# reportgen — make targets for office staff and developers. `make help` lists them.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
OUT    ?= out
LEDGER ?= samples/jialing-2024q3.yaml
# PDF needs LibreOffice: included when soffice is installed (.ci/run installs it).
PDF     := $(shell command -v soffice >/dev/null 2>&1 && echo ,pdf)
FORMATS ?= md,html,docx,xlsx$(PDF)
SAMPLES := $(wildcard samples/*.yaml)

.PHONY: help install demo test lint ledger quarterly check clean templates bench screenshots

help:  ## 列出可用目标
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(STAMP)  ## 安装依赖（首次运行自动执行）

demo: $(STAMP)  ## 检查并生成全部示例台账的报告到 out/
	@for ledger in $(SAMPLES); do $(VENV)/bin/reportgen check $$ledger || exit $$?; done
	$(VENV)/bin/reportgen render $(SAMPLES) -o $(OUT) -f $(FORMATS) --quiet

# `make ledger` alone writes 台账/新台账.xlsx; LEDGER=….yaml writes a YAML ledger instead.
NEW := $(if $(filter command line environment,$(origin LEDGER)),$(LEDGER),台账/新台账.xlsx)
ledger: $(STAMP)  ## 新建一份填好示例的 Excel 台账（不覆盖已有文件）：make ledger LEDGER=台账/2024Q3.xlsx
	$(VENV)/bin/reportgen init $(if $(filter %.yaml %.yml,$(NEW)),--yaml,--excel) $(NEW)

quarterly: $(STAMP)  ## 生成一份台账的全部格式到 out/<台账名>/（只重做有变化的）：make quarterly LEDGER=路径
	$(VENV)/bin/reportgen check $(LEDGER)
	$(VENV)/bin/reportgen batch $(LEDGER) -o $(OUT) -f $(FORMATS) -j 1 --no-progress

check: $(STAMP)  ## 检查一份台账：make check LEDGER=路径
	$(VENV)/bin/reportgen check $(LEDGER)

test: $(STAMP)  ## 运行全部测试
	$(PY) -m pytest

lint: $(STAMP)  ## ruff 与 mypy --strict
	$(VENV)/bin/ruff check reportgen tests benchmarks
	$(VENV)/bin/ruff format --check reportgen tests benchmarks
	$(VENV)/bin/mypy --strict reportgen

BENCH_UNITS ?= 2000,20000
bench: $(STAMP)  ## 性能基准：与 docxtpl/openpyxl 对比，批量吞吐（不属于 make test）
	$(PY) benchmarks/bench.py --units $(BENCH_UNITS)

templates: $(STAMP)  ## 重新生成默认 Word 模板 templates/report*.docx（改版式后运行）
	$(PY) -m reportgen.render.docx.template_builder

SHOTS := docs/images
screenshots: $(STAMP)  ## 重新生成 README 与 docs/quickstart.md 中的页面截图（需 LibreOffice 与 pdftoppm）
	rm -rf $(OUT)/screenshots && mkdir -p $(SHOTS)
	$(VENV)/bin/reportgen render samples/jialing-2024q3.yaml samples/qingshan-2024q3.yaml -o $(OUT)/screenshots -f pdf --quiet
	pdftoppm -r 60 -png -f 1 -l 1 -singlefile $(OUT)/screenshots/jialing-2024q3.pdf $(SHOTS)/report-first-page
	pdftoppm -r 60 -png -f 4 -l 4 -singlefile $(OUT)/screenshots/jialing-2024q3.pdf $(SHOTS)/report-table-page
	pdftoppm -r 60 -png -f 4 -l 4 -singlefile $(OUT)/screenshots/qingshan-2024q3.pdf $(SHOTS)/report-chart-page
	$(VENV)/bin/reportgen init --excel $(OUT)/screenshots/台账.xlsx --force
	cd $(OUT)/screenshots && soffice --headless --convert-to pdf 台账.xlsx >/dev/null
	pdftoppm -r 220 -png -f 7 -l 7 -singlefile -x 160 -y 205 -W 1560 -H 134 $(OUT)/screenshots/台账.pdf $(SHOTS)/ledger-projects-sheet

clean:  ## 删除输出
	rm -rf $(OUT)
