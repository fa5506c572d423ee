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
SAMPLES := $(wildcard samples/*.yaml samples/complete/*.yaml) samples/rollup/青山市.yaml

.PHONY: help install lock test-latest dist demo test lint ledger quarterly check clean templates bench docxtpl-suite screenshots

help:  ## 列出可用目标
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# Every dependency at the exact version (and hash) in requirements/lock.txt, then reportgen itself without
# resolving again: the same environment on every machine and every day. `make lock` updates the lock;
# `make test-latest` tries the newest releases in a scratch venv, so drift is found on purpose.
LOCK := requirements/lock.txt
$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet pip==26.3
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $@

install: $(STAMP)  ## 安装依赖（按 requirements/lock.txt 的确切版本；首次运行自动执行）

# runtime.txt: the same versions for what a pip user installs (runtime + dask), without hashes, so that
# `pip install reportgen-….whl -c requirements/runtime.txt` works (pip refuses hashes in constraints).
lock: $(STAMP)  ## 按 pyproject.toml 重新生成依赖锁定文件 requirements/lock.txt 与 runtime.txt（需联网）
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
	  --generate-hashes --upgrade --quiet -o $(LOCK)
	$(VENV)/bin/uv pip compile pyproject.toml --extra dask --extra postgresql --universal --python-version 3.11 \
	  --constraint $(LOCK) --quiet -o requirements/runtime.txt

LATEST ?= /tmp/reportgen-latest
test-latest:  ## 在临时环境中用各依赖的最新版本运行全部测试（发现上游变化，不影响 .venv）
	rm -rf $(LATEST) && $(PYTHON) -m venv $(LATEST)
	$(LATEST)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST)/bin/python -m pip install --quiet --upgrade -e '.[dev]'
	$(LATEST)/bin/python -m pip list --format=freeze > $(LATEST)/versions.txt
	touch $(LATEST)/.installed  # the quickstart test runs `make` with VENV=$(LATEST): installed already
	$(LATEST)/bin/python -m pytest

demo: $(STAMP)  ## 检查并生成全部示例台账的报告到 out/
	@echo "示例台账照录了真实公开文件的数字，下面的警告是这些文件自身的错误，有意保留以演示 check（见 README）。"
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

# On every core (pytest-xdist; at most 4 workers, each may start a LibreOffice), a test file per worker:
# module fixtures (a built wheel, a PDF rendered once) are then built once, as in a serial run.
test: $(STAMP)  ## 运行全部测试
	$(PY) -m pytest -n auto --maxprocesses 4 --dist loadfile

lint: $(STAMP)  ## ruff 与 mypy --strict
	$(VENV)/bin/ruff check reportgen tests benchmarks
	$(VENV)/bin/ruff format --check reportgen tests benchmarks
	$(VENV)/bin/mypy --strict reportgen

BENCH_UNITS ?= 2000,20000
bench: $(STAMP)  ## 性能基准：与 docxtpl/openpyxl 对比，批量吞吐（不属于 make test）
	$(PY) benchmarks/bench.py --units $(BENCH_UNITS)

DOCXTPL_MIRROR ?= /work/.mirror/elapouya+python-docx-template/repo
docxtpl-suite: $(STAMP)  ## 兼容性标尺：docxtpl 自带的测试脚本分别用 docxtpl 与 reportgen.Template 渲染并比较（DOCXTPL=检出目录 或 DOCXTPL_MIRROR=裸仓库）
	$(PY) benchmarks/docxtpl_suite.py $(if $(DOCXTPL),$(DOCXTPL),--mirror $(DOCXTPL_MIRROR))

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
	# the pages of reportgen serve (docs/serve.md), in Chinese: apt-get install chromium-driver chromium-l10n
	REPORTGEN_SERVE_SCREENSHOTS=$(abspath $(SHOTS)) $(PY) -m pytest -q tests/test_serve_browser.py

dist: $(STAMP)  ## 构建可用 pip 安装的 wheel 与源码包到 dist/
	rm -rf dist && $(VENV)/bin/uv build --sdist --wheel --out-dir dist .

clean:  ## 删除输出
	rm -rf $(OUT) dist
