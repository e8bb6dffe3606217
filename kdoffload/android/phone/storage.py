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
    _log_lock: threading.Lock = field(default_factory=threading.Lock)

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
        with self._log_lock:
            self.log_lines.append((tag, f"{stamp}  1000  1000 {priority} {tag}: {message}"))

    def logcat(self, tags: set[str] | None) -> list[str]:
        with self._log_lock:
            lines = list(self.log_lines)
        return [line for tag, line in lines if tags is None or tag in tags]

    def clear_log(self) -> None:
        with self._log_lock:
            self.log_lines.clear()
