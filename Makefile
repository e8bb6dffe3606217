# The README's two commands, `make demo` and `make test`, work on a fresh clone with nothing else.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test test-all bench clean

# `make test` runs every fast test and a sample of SLOW_SAMPLE slow ones (drawn anew each run, the
# seed printed; tests/slow_sample.py); `make test-all` runs every slow test too.
SLOW_SAMPLE ?= 6

# One pip command pins torch and executorch together (an unpinned torch is a multi-GB CUDA build).
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,distributed]' torch==2.13.0 executorch==1.5.1
	touch $@

demo: $(STAMP)
	$(VENV)/bin/kdoffload demo

test: $(STAMP) native-check adb java-test
	$(PY) -m pytest -q tests --slow-sample $(SLOW_SAMPLE)
	$(PY) -m pytest -q bench --benchmark-disable

test-all: $(STAMP) native-check adb java-test
	$(PY) -m pytest -q tests
	$(PY) -m pytest -q bench --benchmark-disable

# Timings: pytest-benchmark, then the results tables in docs/results.md are regenerated from them.
bench: $(STAMP)
	mkdir -p runs/bench
	$(PY) -m pytest -q bench --benchmark-only --benchmark-json=runs/bench/model.json
	$(PY) -m tools.render_results runs/bench/model.json docs/results.md

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
	@# Python loads the core through the package (model/locations.py): its copy is this build.
	mkdir -p model/lib && ln -sfn $(CURDIR)/$(NATIVE_BUILD)/libkdocore.so model/lib/libkdocore.so

# The runner on a stand-in export, fp32 and the shipped int8: each loads and reproduces every
# golden vector (whose top-K make_fixture.py cross-checks by enumerating all placements).
native-check: native
	$(PY) bench/native/make_fixture.py --out $(NATIVE_BUILD)/fixture --golden 16 --int8
	cd $(NATIVE_BUILD)/fixture && ../kdo_bench --model student_xnnpack_fp32.pte \
	  --manifest student_xnnpack_fp32.manifest.json --check-only --reference
	cd $(NATIVE_BUILD)/fixture && ../kdo_bench --model student_xnnpack_int8.pte \
	  --manifest student_xnnpack_int8.manifest.json --check-only

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

# Coverage-guided fuzzing of the native loaders (libFuzzer, clang from apt if missing; not in
# `make test`): FUZZ_SECONDS per target from the fixture's programs and manifest. Crashes land in
# build/fuzz/crashes/ (docs/reliability.md says what was run and what became regression cases).
.PHONY: fuzz
FUZZ_BUILD := build/fuzz
FUZZ_SECONDS ?= 240
fuzz: native-check
	@command -v clang++ >/dev/null \
	  || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang)
	cmake -S native -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++ -DKDO_FUZZ=ON \
	  -DEXECUTORCH_ROOT=$(EXECUTORCH_ROOT) >/dev/null
	cmake --build $(FUZZ_BUILD) -j2 --target kdo_fuzz_program kdo_fuzz_manifest
	mkdir -p $(FUZZ_BUILD)/corpus-program $(FUZZ_BUILD)/corpus-manifest $(FUZZ_BUILD)/crashes
	cp $(NATIVE_BUILD)/fixture/*.pte $(FUZZ_BUILD)/corpus-program/
	cp $(NATIVE_BUILD)/fixture/student_xnnpack_int8.manifest.json $(FUZZ_BUILD)/corpus-manifest/
	cd $(FUZZ_BUILD) && ./kdo_fuzz_manifest corpus-manifest -max_total_time=$(FUZZ_SECONDS) \
	  -artifact_prefix=crashes/manifest- -print_final_stats=1 2>&1 | grep -v '^executorch E' | tail -n 20
	cd $(FUZZ_BUILD) && ./kdo_fuzz_program corpus-program -max_total_time=$(FUZZ_SECONDS) -fork=1 \
	  -ignore_crashes=1 -artifact_prefix=crashes/program- 2>&1 | grep -v '^executorch E' | tail -n 20
	ls $(FUZZ_BUILD)/crashes

# ARM64: the shipped chain6 student's golden vectors under qemu-aarch64 (exported first if missing).
ARM_MODEL := runs/chain6/export/student_xnnpack_int8
arm-check: $(STAMP)
	test -f $(ARM_MODEL).manifest.json || $(VENV)/bin/kdoffload export --profile chain6
	bench/native/arm_check.sh $(ARM_MODEL).pte $(ARM_MODEL).manifest.json

# The Android app's Java core on the host (android_demo): a JDK, JUnit and AOSP's org.json from
# apt if missing; the JNI build of ExecuTorch's Java Module against the wheel's runtime; the
# core and host classes; build/android_host/hostbench, the app's code path for the emulated phone.
.PHONY: java-deps android-host java-test android-host-bench
ANDROID_BUILD := build/android_host
JSON_JAR := /usr/share/java/com.android.json.jar
JUNIT_CP := /usr/share/java/junit4.jar:/usr/share/java/hamcrest-core.jar

java-deps:
	@command -v javac >/dev/null && test -f $(JSON_JAR) && test -f /usr/share/java/junit4.jar \
	  && test -f /usr/share/java/hamcrest-core.jar \
	  || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	      openjdk-17-jdk-headless junit4 libhamcrest-java libandroid-json-java)
	@command -v cmake >/dev/null && command -v g++ >/dev/null \
	  || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cmake g++)

android-host: $(STAMP) java-deps
	cmake -S android_demo/host/jni -B $(ANDROID_BUILD)/jni -DCMAKE_BUILD_TYPE=Release \
	  -DEXECUTORCH_ROOT=$(EXECUTORCH_ROOT) \
	  -DKDO_JAVA_HOME=$$(dirname $$(dirname $$(readlink -f $$(command -v javac)))) >/dev/null
	cmake --build $(ANDROID_BUILD)/jni -j2
	rm -rf $(ANDROID_BUILD)/classes && mkdir -p $(ANDROID_BUILD)/classes
	javac --release 11 -d $(ANDROID_BUILD)/classes -cp $(JSON_JAR) \
	  $$(find android_demo/core/src/main/java android_demo/host/java -name '*.java')
	install -m 755 android_demo/host/hostbench.sh $(ANDROID_BUILD)/hostbench

# The stand-in graph student export (random weights, fp32; tests/kdoffload/android/
# graph_export_fixture.py) the JUnit run and the adb tests share: made once, then again only when
# a file it was made from changes (fixture_cache.py keys it on every source the build read).
.PHONY: graph-fixture
GRAPH_FIXTURE := build/test_fixtures/graph_export
graph-fixture: $(STAMP)
	$(PY) tests/kdoffload/android/fixture_cache.py $(GRAPH_FIXTURE) tests/kdoffload/android/graph_export_fixture.py

# JUnit: the Java core against Python's vectors (delay model, greedy, executor), the native
# fixture's golden vectors through JNI, the stand-in graph export, refusals; the host
# org.pytorch.executorch classes against the AAR's API list (executorch_api.txt). Every export it
# needs is made above from nothing, so no test skips (a skip fails the run); trained exports in
# runs/ are replayed too where they exist.
java-test: android-host native-check graph-fixture
	$(PY) android_demo/host/write_vectors.py --out $(ANDROID_BUILD)/vectors
	rm -rf $(ANDROID_BUILD)/test-classes && mkdir -p $(ANDROID_BUILD)/test-classes
	javac --release 11 -d $(ANDROID_BUILD)/test-classes -cp $(JSON_JAR):$(JUNIT_CP):$(ANDROID_BUILD)/classes \
	  $$(find android_demo/core/src/test/java android_demo/host/test -name '*.java')
	java -Dkdoffload.executorch.jni=$(CURDIR)/$(ANDROID_BUILD)/jni/libkdo_executorch_jni.so \
	  -Dkdoffload.vectors=$(ANDROID_BUILD)/vectors -Dkdoffload.fixture=$(NATIVE_BUILD)/fixture \
	  -Dkdoffload.graph_export=$(GRAPH_FIXTURE) -Dkdoffload.max_skipped=0 \
	  -Dkdoffload.user_export=runs/chain6/export -Dkdoffload.user_graph_export=runs/graph-student/export \
	  -Dkdoffload.api=android_demo/host/executorch_api.txt \
	  -cp $(JSON_JAR):$(JUNIT_CP):$(ANDROID_BUILD)/classes:$(ANDROID_BUILD)/test-classes \
	  org.kdoffload.host.JavaTests $$(cd $(ANDROID_BUILD)/test-classes && find . -name '*Test.class' \
	    | sed 's|^\./||; s|\.class$$||; s|/|.|g' | sort)

# Decision time through Java -> JNI -> ExecuTorch beside kdo_bench's, on the same fixture .pte,
# both on CPU 0 (docs/latency.md, "Through the app's Java path").
android-host-bench: android-host native-check
	rm -rf $(ANDROID_BUILD)/bench && mkdir -p $(ANDROID_BUILD)/bench/model
	cp $(NATIVE_BUILD)/fixture/student_xnnpack_fp32.* $(ANDROID_BUILD)/bench/model/
	$(NATIVE_BUILD)/kdo_bench --model $(NATIVE_BUILD)/fixture/student_xnnpack_fp32.pte \
	  --manifest $(NATIVE_BUILD)/fixture/student_xnnpack_fp32.manifest.json --iters 20000 --cpu 0
	taskset -c 0 $(ANDROID_BUILD)/hostbench --model-dir $(ANDROID_BUILD)/bench/model \
	  --files-dir $(ANDROID_BUILD)/bench/files --num-iter 20000 --num-warm-up-iter 20000 \
	  --num-threads 1 --device-name "$$(hostname)"

# adb for `kdoffload android` and its tests (Debian's 29.0.6; a user's platform-tools work too).
.PHONY: adb
adb:
	@command -v adb >/dev/null \
	  || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq adb)
