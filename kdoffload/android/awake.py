"""The phone awake for a run: screen on, keyguard away, kept on while plugged in, then as it was.

A sleeping phone throttles its cores and may stop a foreground activity; the app itself also
holds FLAG_KEEP_SCREEN_ON while it runs. These commands run before the app starts and after it
finished, never while decisions are being timed.
"""

from __future__ import annotations

from contextlib import contextmanager

from kdoffload.android.adb import Adb

STAY_ON = ("global", "stay_on_while_plugged_in")


@contextmanager
def kept_awake(adb: Adb):
    """Wakes the phone and keeps its screen on (`svc power stayon true`) for the block; the
    stay-on setting is put back as it was afterwards. A phone that refuses one of these (some
    makers lock `svc`) still runs the benchmark: the app's own flag keeps the screen on."""
    before = adb.shell("settings", "get", *STAY_ON, check=False).stdout.decode("utf-8", "replace").strip()
    adb.shell("svc", "power", "stayon", "true", check=False)
    adb.shell("input", "keyevent", "KEYCODE_WAKEUP", check=False)
    adb.shell("wm", "dismiss-keyguard", check=False)
    try:
        yield
    finally:
        if before.isdigit():
            adb.shell("settings", "put", *STAY_ON, before, check=False)
