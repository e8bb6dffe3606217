"""Every adb call of the project goes through here: an argv list, a timeout, the exit code checked.

Nothing is ever passed through a host shell; what runs in the phone's shell is quoted argument by
argument (shlex.quote), because adb joins `adb shell` arguments with spaces for the phone's sh.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from kdoffload.model.errors import InputError

DEFAULT_TIMEOUT_S = 60.0


class AdbError(InputError):
    """An adb call failed; the message says which call and what adb printed."""


def find_adb() -> str:
    """adb on PATH, else the platform-tools of ANDROID_HOME / ANDROID_SDK_ROOT."""
    found = shutil.which("adb")
    if found:
        return found
    for variable in ("ANDROID_HOME", "ANDROID_SDK_ROOT"):
        root = os.environ.get(variable)
        if root and (Path(root) / "platform-tools" / "adb").is_file():
            return str(Path(root) / "platform-tools" / "adb")
    raise InputError("adb not found: install it (apt-get install adb) or put Android's "
                     "platform-tools on PATH")


@dataclass(frozen=True)
class Adb:
    binary: str
    serial: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S

    def on(self, serial: str) -> Adb:
        return Adb(self.binary, serial, self.timeout_s)

    def run(self, args: list[str], timeout_s: float | None = None, check: bool = True) -> subprocess.CompletedProcess:
        """`adb [-s SERIAL] ARGS`; stdout and stderr as bytes. A non-zero exit raises AdbError
        with adb's own last words, unless check is False."""
        argv = [self.binary] + (["-s", self.serial] if self.serial else []) + list(args)
        try:
            done = subprocess.run(argv, capture_output=True, stdin=subprocess.DEVNULL,
                                  timeout=timeout_s or self.timeout_s)
        except subprocess.TimeoutExpired:
            raise AdbError(f"`adb {' '.join(args)}` gave no answer within {timeout_s or self.timeout_s:g} s") from None
        except OSError as err:
            raise AdbError(f"{self.binary}: cannot run ({err.strerror})") from None
        if check and done.returncode != 0:
            raise AdbError(f"`adb {' '.join(args)}` failed (exit {done.returncode}): {_last_words(done)}")
        return done

    def shell(self, *argv: str, timeout_s: float | None = None, check: bool = True) -> subprocess.CompletedProcess:
        """One command in the phone's shell, every argument quoted for it."""
        return self.run(["shell", " ".join(shlex.quote(a) for a in argv)], timeout_s, check)

    def exec_out(self, *argv: str, timeout_s: float | None = None) -> bytes:
        """A command's stdout, byte for byte (no terminal translation, unlike `adb shell`)."""
        return self.run(["exec-out", " ".join(shlex.quote(a) for a in argv)], timeout_s).stdout

    def push(self, local: Path, remote: str) -> None:
        self.run(["push", str(local), remote], timeout_s=max(self.timeout_s, 300))

    def install(self, apk: Path) -> str:
        done = self.run(["install", "-r", str(apk)], timeout_s=max(self.timeout_s, 300), check=False)
        text = (done.stdout + done.stderr).decode("utf-8", "replace")
        # adb 29 can exit 0 after a failed `pm install`; the phone's verdict is the word Success.
        if done.returncode != 0 or "Success" not in text:
            raise AdbError(f"`adb install -r {apk}` failed: {_last_words(done)}")
        return text


def _last_words(done: subprocess.CompletedProcess) -> str:
    text = (done.stderr or b"").decode("utf-8", "replace").strip() or \
        (done.stdout or b"").decode("utf-8", "replace").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " | ".join(lines[-3:]) if lines else "no output"
