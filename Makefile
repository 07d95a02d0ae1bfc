# k8sedu: `make lab` opens the course, `make test` runs every check. Both set everything up.
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
UV     := $(VENV)/bin/uv
JOBS   ?= auto

.PHONY: lab test lint unit notebooks bench clean setup

setup: $(STAMP)

$(STAMP): pyproject.toml
	@# system packages some tests need: Chromium for the real-browser test (never a Playwright
	@# download), a CJK font for Korean figures, a real etcd 3.4 for the real-etcd backend tests
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v etcd >/dev/null || test -x /usr/bin/etcd || missing="$$missing etcd-server etcd-client"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  (apt-get update -qq && apt-get install -y -qq $$missing >/dev/null) || \
	  echo "could not install$$missing: the tests that need them will skip"; \
	fi
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check uv
	$(UV) pip install -q --python $(PY) --compile-bytecode -e '.[lab,dev]'
	$(PY) -m ipykernel install --sys-prefix --name k8sedu --display-name "k8sedu (Python 3)" > /dev/null
	touch $(STAMP)

lab: $(STAMP)
	@if [ -n "$$CI" ] || [ -z "$$DISPLAY$$WAYLAND_DISPLAY$$BROWSER" ]; then NB=--no-browser; fi; \
	$(VENV)/bin/jupyter lab $$NB --notebook-dir=lessons $(if $(shell id -u | grep -x 0),--allow-root,)

lint: $(STAMP)
	$(VENV)/bin/ruff check k8sedu tests benchmarks tools
	$(VENV)/bin/ruff format --check k8sedu tests benchmarks tools

unit: $(STAMP)
	$(VENV)/bin/pytest -n $(JOBS) -q --ignore=tests/notebooks

# notebooks run one at a time: parallel kernels stall on widget cells (JUPYTER-TESTING.md)
notebooks: $(STAMP)
	$(VENV)/bin/pytest -q -p no:xdist tests/notebooks

test: lint notebooks unit

bench: $(STAMP)
	$(PY) benchmarks/bench_apiserver.py --full
	$(PY) benchmarks/bench_scheduler.py --full
	$(PY) benchmarks/bench_cluster.py --full
	$(PY) benchmarks/bench_dashboard.py --full
	$(PY) benchmarks/bench_grading.py --full
	$(PY) benchmarks/bench_realetcd.py --full

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis build dist *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
