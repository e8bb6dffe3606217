# The README's two commands, `make demo` and `make test`, work on a fresh clone with nothing else.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

# One pip command pins torch and executorch together (an unpinned torch is a multi-GB CUDA build).
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]' torch==2.13.0 executorch==1.5.1
	touch $@

demo: $(STAMP)
	$(VENV)/bin/kdoffload demo

test: $(STAMP)
	$(PY) -m pytest -q tests
	$(PY) -m pytest -q bench --benchmark-disable

# Timings: pytest-benchmark, then the results tables in docs/results.md are regenerated from them.
bench: $(STAMP)
	mkdir -p runs/bench
	$(PY) -m pytest -q bench --benchmark-only --benchmark-json=runs/bench/model.json
	$(PY) -m bench.render runs/bench/model.json docs/results.md

clean:
	rm -rf $(VENV) runs build
