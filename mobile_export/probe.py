"""The check a .pte passes before its bytes reach the ExecuTorch Python runtime.

ExecuTorch verifies a program's flatbuffer but not a delegate's payload: one flipped bit in the
XNNPACK blob can segfault the runtime, and a load error whose log line quotes bytes that are
not UTF-8 aborts the Python binding. So the bytes are first loaded and run once in a child
process, the native core's `kdo_pte_probe` (the loader kdo_bench and the Java host use), or
this module run as a program where the core is not built; only bytes the child survived are
loaded in process. `python -m kdoffload.mobile_export.probe FILE` exits as kdo_pte_probe does: 0 loads
and runs, 3 refused (the reason on stderr), killed by a signal: it crashed.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from kdoffload.model import native
from kdoffload.model.errors import InputError

PROBE_TIMEOUT_S = 60
_survived: set[str] = set()  # digests of bytes a probe ran: the same bytes need no second child


def probe_command(pte: Path) -> list[str]:
    """The native probe beside the core when it is built, else this module in a fresh Python."""
    exe = native.library_path().parent / "kdo_pte_probe"
    if exe.is_file() and os.access(exe, os.X_OK):
        return [str(exe), str(pte)]
    return [sys.executable, "-m", "kdoffload.mobile_export.probe", str(pte)]


def probe_bytes(data: bytes, label: str) -> None:
    """InputError naming `label` unless `data` loads and runs once in a child process."""
    digest = hashlib.sha256(data).hexdigest()
    if digest in _survived:
        return
    with tempfile.TemporaryDirectory(prefix="kdo-probe-") as tmp:
        pte = Path(tmp) / "program.pte"
        pte.write_bytes(data)  # the checked bytes themselves, not a path that could change
        try:
            done = subprocess.run(probe_command(pte), capture_output=True, timeout=PROBE_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            raise InputError(f"{label}: not a loadable program (loading it did not finish in "
                             f"{PROBE_TIMEOUT_S} s)") from None
    if done.returncode < 0:
        raise InputError(f"{label}: not a loadable program (the runtime crashed on it: "
                         f"{signal.Signals(-done.returncode).name})")
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = lines[-1].replace(str(pte), "").lstrip(": ") if lines else f"exit {done.returncode}"
        raise InputError(f"{label}: not a loadable ExecuTorch program ({reason})")
    _survived.add(digest)


def _main(path: str) -> int:
    import numpy as np

    from kdoffload.mobile_export.runtime import PteProgram

    try:
        program = PteProgram(Path(path).read_bytes(), label=path)
        program.logits(np.zeros((1, program.input_width), dtype=np.float32))
    except Exception as err:  # the runtime raises RuntimeError and ValueError alike
        print(f"{path}: {err}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1]) if len(sys.argv) == 2 else 2)
