"""What a job may say, and the only way it says it: results on stdout, progress on stderr.

The CLI passes a reporter backed by rich consoles (kdoffload.common.ConsoleReporter); a test
passes a `RecordingReporter` and reads back what the job said.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, ContextManager, Iterator, Protocol


class Bar(Protocol):
    """The part of `rich.progress.Progress` a job uses."""

    def add_task(self, description: str, total: float | None = None, **fields: Any) -> int: ...

    def update(self, task: int, **changes: Any) -> None: ...


class Reporter(Protocol):
    def show(self, item: Any, markup: bool = False, highlight: bool = False) -> None:
        """A result: text or a rich renderable (a table), on stdout."""

    def note(self, text: str, highlight: bool = False) -> None:
        """A progress line (`exporting ...`, `greedy done`), on stderr."""

    def progress(self) -> ContextManager[Bar]:
        """Progress bars, live while the block runs."""


class _RecordedBar:
    def __init__(self, updates: list):
        self._updates = updates

    def add_task(self, description: str, total: float | None = None, **fields: Any) -> int:
        self._updates.append((description, total))
        return len(self._updates) - 1

    def update(self, task: int, **changes: Any) -> None:
        pass


class RecordingReporter:
    """Keeps what a job said: `shown` (results), `notes` (progress lines), `bars` (bar names)."""

    def __init__(self):
        self.shown: list[Any] = []
        self.notes: list[str] = []
        self.bars: list[tuple[str, float | None]] = []

    def show(self, item: Any, markup: bool = False, highlight: bool = False) -> None:
        self.shown.append(item)

    def note(self, text: str, highlight: bool = False) -> None:
        self.notes.append(text)

    @contextmanager
    def progress(self) -> Iterator[Bar]:
        yield _RecordedBar(self.bars)
