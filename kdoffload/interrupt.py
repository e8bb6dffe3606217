"""Ctrl-C in the `kdoffload` process: exit code 130 and one line, at any moment, however it ends.

Imported first by the CLI module (and light: the standard library alone), so a Ctrl-C while the
heavy imports run ends as the same line. Afterwards the first Ctrl-C is Python's own, a
KeyboardInterrupt that unwinds (workers stopped, temporary files removed) to the command
boundary, which says the line; a second one while that runs ends the process at once.

A process that inherited SIGINT ignored (a pool worker, a job started with `nohup`) keeps it so.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

INTERRUPTED = ("interrupted: files already finished are kept, unfinished ones were not written "
               "(a rerun resumes from finished shards and checkpoints)")


class _State:
    importing = True  # until the CLI module is loaded: nothing to unwind yet
    in_main = False  # the console script's `main` is running (not a test calling the app)
    seen = False
    said = False


def say_interrupted() -> None:
    """The line, once per process however many Ctrl-C arrive."""
    if not (_State.said and _State.in_main):
        _State.said = True
        sys.stderr.write(INTERRUPTED + "\n")
        sys.stderr.flush()


def _on_interrupt(signum, frame) -> None:
    if _State.importing or (_State.seen and _State.in_main):
        say_interrupted()
        _release_semaphores()
        os._exit(130)
    _State.seen = True
    raise KeyboardInterrupt


def install() -> None:
    if threading.current_thread() is threading.main_thread() \
            and signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, _on_interrupt)


def imported() -> None:
    """The CLI is loaded: a Ctrl-C from now on unwinds first."""
    _State.importing = False


def entering_main() -> None:
    _State.in_main = True


def end_process(code: int) -> None:
    """The console script's exit. After Ctrl-C nothing is waited for: a worker stopped while it
    was sending its result leaves the process pool's reader thread blocked on a message that
    never completes, and the interpreter's exit would join that thread forever."""
    sys.stdout.flush()
    sys.stderr.flush()
    if code == 130:
        _release_semaphores()
        os._exit(130)
    sys.exit(code)


def _release_semaphores() -> None:
    """The pool's semaphores unlinked now (multiprocessing's finalizers of priority >= 0, none of
    which waits on a thread): else its resource tracker warns of them after the process ends."""
    if "multiprocessing.util" in sys.modules:
        try:
            sys.modules["multiprocessing.util"]._run_finalizers(0)
        except Exception:  # never let the tidy-up stand between Ctrl-C and the exit
            pass


install()
