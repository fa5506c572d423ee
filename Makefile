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

.PHONY: help install demo test lint quarterly check clean templates bench

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

clean:  ## 删除输出
	rm -rf $(OUT)
