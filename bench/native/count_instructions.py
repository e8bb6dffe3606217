"""Instructions per decision of every kdo_bench decision path, counted by valgrind's callgrind.

Only `kdo_counted_loop` is counted (--toggle-collect): the loop of --iters decisions after the
golden check and a warm-up, nothing of the loading. Counts are deterministic for one binary and
one CPU feature set (valgrind hides AVX-512, so XNNPACK runs its AVX2 kernels under it), which
makes them the noise-free companion of the wall-clock timings.

    python bench/native/count_instructions.py --out runs/native/instructions.json
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO))

from kdoffload.model.io import atomic_write_text  # noqa: E402

PATHS = ("pte/argmax", "pte/topk", "pte/guarded", "floor/argmax", "reference/argmax",
         "reference/topk", "reference/guarded", "solver/exact", "solver/greedy")


def fixture(build: Path, profile: str) -> Path:
    """A stand-in student for the profile (made once), as make_fixture.py writes it."""
    out = build / f"fixture-{profile}"
    if not (out / "student_xnnpack_fp32.manifest.json").is_file():
        subprocess.run([sys.executable, str(HERE / "make_fixture.py"), "--out", str(out),
                        "--profile", profile], check=True, capture_output=True)
    return out


def count(runner: Path, fixture_dir: Path, path: str, iters: int) -> float:
    """Instructions per decision of one path."""
    with tempfile.TemporaryDirectory() as tmp:
        out_file = Path(tmp) / "callgrind.out"
        command = ["valgrind", "--tool=callgrind", "--toggle-collect=*kdo_counted_loop*",
                   f"--callgrind-out-file={out_file}", str(runner),
                   "--model", "student_xnnpack_fp32.pte", "--manifest", "student_xnnpack_fp32.manifest.json",
                   "--floor", "floor_xnnpack.pte", "--reference", "--threads", "1",
                   "--count", path, "--iters", str(iters), "--warmup", "100"]
        done = subprocess.run(command, cwd=fixture_dir, capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"count_instructions: {path} on {fixture_dir} failed: {done.stderr.strip()[-400:]}")
        totals = re.search(r"^totals:\s+(\d+)", out_file.read_text(), re.MULTILINE)
        return int(totals.group(1)) / iters


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=REPO / "build" / "native")
    parser.add_argument("--out", type=Path, default=REPO / "runs" / "native" / "instructions.json")
    parser.add_argument("--iters", type=int, default=2000)
    parser.add_argument("--profiles", nargs="+", default=["chain6", "dag10"])
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("count_instructions: valgrind not found (apt-get install -y valgrind)")
    runner = args.build / "kdo_bench"
    record = {"unit": "instructions per decision (callgrind Ir)", "iters": args.iters, "profiles": {}}
    for profile in args.profiles:
        fixture_dir = fixture(args.build, profile)
        record["profiles"][profile] = {path: count(runner, fixture_dir, path, args.iters) for path in PATHS}
        print(profile, json.dumps(record["profiles"][profile]))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(args.out, json.dumps(record, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
