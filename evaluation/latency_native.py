"""The native runner (kdo_bench, built with the core in native/): building it and timing an export through it.

The runner times decisions over its manifest's golden states, so the benchmark hands it a copy
of the export's manifest whose golden vectors are the benchmark's own states (computed by the
Python runtime): the runner first checks every one of them, then times the same inputs the
Python paths saw.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from kdoffload.model.errors import InputError
from kdoffload.model.io import atomic_write_text
from kdoffload.model.locations import source_dir

NATIVE_SOURCES = "native/CMakeLists.txt"  # the core's and the runner's C++, in the source tree


def toolchain_missing() -> str | None:
    """Why the runner cannot be built here, or None."""
    for tool in ("cmake", "c++"):
        if shutil.which(tool) is None:
            return f"{tool} not found (apt-get install -y cmake g++ nlohmann-json3-dev libssl-dev)"
    if not Path("/usr/include/nlohmann/json.hpp").is_file():
        return "nlohmann/json.hpp not found (apt-get install -y nlohmann-json3-dev)"
    if not Path("/usr/include/openssl/evp.h").is_file():
        return "openssl/evp.h not found (apt-get install -y libssl-dev)"
    return None


def executorch_root() -> str:
    import executorch  # a namespace package: no __file__

    return list(executorch.__path__)[0]


def build_runner(build_dir: Path | None = None) -> Path:
    """Configure and build kdo_bench (incremental when already built); returns the binary.

    The sources are the source tree's (`model.locations.source_dir`): a wheel carries none.
    The default build folder is the tree's own build/native, shared with `make native`.
    """
    root = source_dir(NATIVE_SOURCES)
    sources, build_dir = root / "native", build_dir or root / "build" / "native"
    missing = toolchain_missing()
    if missing:
        raise InputError(f"cannot build {sources}: {missing}")
    steps = (["cmake", "-S", str(sources), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release",
              f"-DEXECUTORCH_ROOT={executorch_root()}"],
             ["cmake", "--build", str(build_dir), "-j2"])
    for step in steps:
        done = subprocess.run(step, capture_output=True, text=True)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise InputError(f"{sources}: build failed ({' '.join(step[:2])}): {tail[0]}")
    return build_dir / "kdo_bench"


def bench_manifest(manifest: dict, golden: list[dict], path: Path) -> Path:
    """The export's manifest with the benchmark states as its golden vectors."""
    text = json.dumps({**manifest, "golden": golden}, separators=(",", ":"))
    return atomic_write_text(path, text + "\n")


def run_runner(runner: Path, pte: Path, manifest: Path, json_out: Path, iters: int, warmup: int,
               floor: Path | None = None, reference: bool = False, cpu: int = 0) -> dict:
    """Check, then time, one export on one pinned core; returns the runner's JSON record."""
    command = [str(runner), "--model", str(pte), "--manifest", str(manifest), "--iters", str(iters),
               "--warmup", str(warmup), "--threads", "1", "--cpu", str(cpu), "--json", str(json_out)]
    if floor is not None:
        command += ["--floor", str(floor)]
    if reference:
        command.append("--reference")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        problems = [line for line in done.stderr.splitlines() if line.startswith("kdo_bench:")]
        raise InputError(f"{runner} on {pte} exited {done.returncode}: "
                         f"{problems[-1] if problems else done.stderr.strip()[-300:]}")
    return json.loads(Path(json_out).read_text())
