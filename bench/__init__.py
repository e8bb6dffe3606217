"""Host emulation harness: latency and quality benchmarks, and the reports built from them."""

import contextlib
import sys


@contextlib.contextmanager
def one_line_errors():
    """A bench command's bad input: its one line on stderr and exit 2, no traceback."""
    from kdoffload.model.errors import InputError

    try:
        yield
    except InputError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
