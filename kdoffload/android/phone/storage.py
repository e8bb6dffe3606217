"""The emulated phone's state: its storage (a sandbox folder), installed packages, its log."""

from __future__ import annotations

import posixpath
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path


class OutsideSandbox(Exception):
    pass


@dataclass
class Storage:
    """Device paths map into `root`; a `..` component is refused outright rather than resolved,
    and a symlink that leads outside the root is refused too."""

    root: Path
    log_lines: list[tuple[str, str]] = field(default_factory=list)
    _log_changed: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self):
        self.root = Path(self.root).resolve()
        for folder in ("data/local/tmp", "data/app", "data/data"):
            (self.root / folder).mkdir(parents=True, exist_ok=True)

    def host_path(self, device_path: str, cwd: str = "/") -> Path:
        if ".." in device_path.split("/"):
            raise OutsideSandbox(device_path)
        absolute = posixpath.normpath(posixpath.join(cwd, device_path))
        path = self.root / absolute.lstrip("/")
        if not path.resolve().is_relative_to(self.root):
            raise OutsideSandbox(device_path)
        return path

    def app_dir(self, package: str) -> str:
        return f"/data/data/{package}"

    def installed(self) -> list[str]:
        return sorted(p.name for p in (self.root / "data/app").iterdir() if (p / "base.apk").is_file())

    def is_installed(self, package: str) -> bool:
        return package in self.installed()

    def log(self, tag: str, priority: str, message: str) -> None:
        stamp = time.strftime("%m-%d %H:%M:%S", time.localtime()) + f".{int(time.time() * 1000) % 1000:03d}"
        with self._log_changed:
            self.log_lines.append((tag, f"{stamp}  1000  1000 {priority} {tag}: {message}"))
            self._log_changed.notify_all()

    def logcat(self, tags: set[str] | None, pattern=None) -> list[str]:
        """The lines of those tags (None: all) whose message matches `pattern` (None: any)."""
        with self._log_changed:
            lines = list(self.log_lines)
        return [line for tag, line in lines if (tags is None or tag in tags)
                and (pattern is None or pattern.search(line.split(": ", 1)[-1]))]

    def follow_log(self, tags: set[str] | None, pattern, count: int, timeout_s: float) -> list[str]:
        """Waits until `count` lines match (or timeout_s passed); a reader that sleeps, as
        logcat's does, woken only when a line is written."""
        deadline = time.monotonic() + timeout_s
        with self._log_changed:
            while True:
                found = self.logcat(tags, pattern)
                left = deadline - time.monotonic()
                if len(found) >= count or left <= 0:
                    return found[:count]
                self._log_changed.wait(left)

    def clear_log(self) -> None:
        with self._log_changed:
            self.log_lines.clear()
