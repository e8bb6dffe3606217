# The README's two commands, `make demo` and `make test`, work on a fresh clone with nothing else.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

# One pip command pins torch and executorch together (an unpinned torch is a multi-GB CUDA build).
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]' torch==2.13.0 executorch==1.5.1 --config-settings editable_mode=compat
	touch $@

demo: $(STAMP)
	$(VENV)/bin/kdoffload demo

test: $(STAMP) native-check
	$(PY) -m pytest -q tests
	$(PY) -m pytest -q bench --benchmark-disable

# Timings: pytest-benchmark, then the results tables in docs/results.md are regenerated from them.
bench: $(STAMP)
	mkdir -p runs/bench
	$(PY) -m pytest -q bench --benchmark-only --benchmark-json=runs/bench/model.json
	$(PY) -m bench.render runs/bench/model.json docs/results.md

clean:
	rm -rf $(VENV) runs build

# The native core (native/: libkdocore.so) and its runner (bench/native: kdo_bench): the C++
# toolchain, the JSON header and libcrypto from apt if missing, then an incremental build
# against the runtime inside the executorch wheel.
.PHONY: native native-check arm-check native-instructions native-scaling
NATIVE_BUILD := build/native
EXECUTORCH_ROOT = $(shell $(PY) -c 'import executorch; print(list(executorch.__path__)[0])')

native: $(STAMP)
	@command -v cmake >/dev/null && command -v g++ >/dev/null && test -f /usr/include/nlohmann/json.hpp \
	  && test -f /usr/include/openssl/evp.h \
	  || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake g++ nlohmann-json3-dev libssl-dev)
	cmake -S native -B $(NATIVE_BUILD) -DCMAKE_BUILD_TYPE=Release -DEXECUTORCH_ROOT=$(EXECUTORCH_ROOT) >/dev/null
	cmake --build $(NATIVE_BUILD) -j2

# The runner on a stand-in export: it loads, and reproduces every golden vector (whose top-K
# make_fixture.py cross-checks by enumerating all placements).
native-check: native
	$(PY) bench/native/make_fixture.py --out $(NATIVE_BUILD)/fixture --golden 16
	cd $(NATIVE_BUILD)/fixture && ../kdo_bench --model student_xnnpack_fp32.pte \
	  --manifest student_xnnpack_fp32.manifest.json --check-only --reference

# Instructions per decision of every kdo_bench path (valgrind's callgrind, only the timed loop),
# on stand-in students of chain6 and dag10: runs/native/instructions.json (docs/latency.md).
native-instructions: native
	@command -v valgrind >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind)
	$(PY) bench/native/count_instructions.py --out runs/native/instructions.json

# Exact solver time against N (dag10..dag16: exhaustive and branch and bound) beside the native
# stand-in student's decision time: runs/scaling/scaling.{json,md,png} (docs/latency.md).
native-scaling: native
	for p in dag10 dag12; do test -f $(NATIVE_BUILD)/fixture-$$p/student_xnnpack_fp32.manifest.json \
	  || $(PY) bench/native/make_fixture.py --out $(NATIVE_BUILD)/fixture-$$p --profile $$p; done
	$(PY) -m bench.solver_scaling --out runs/scaling

# ARM64: the chain6 student's golden vectors under qemu-aarch64 (exported first if missing).
ARM_MODEL := runs/chain6/export/student_xnnpack_fp32
arm-check: $(STAMP)
	test -f $(ARM_MODEL).manifest.json || $(VENV)/bin/kdoffload export --profile chain6
	bench/native/arm_check.sh $(ARM_MODEL).pte $(ARM_MODEL).manifest.json
