"""The emulated phone's screen: `svc power stayon`, `input keyevent`, `wm dismiss-keyguard` and
`settings get|put`, the commands `kdoffload android bench` wakes a phone with. Each changes
the phone's state as on a phone, and anything else they are asked fails as there."""

from __future__ import annotations

from kdoffload.android.phone.shell import Call

STAY_ON = {"true": "7", "false": "0", "usb": "2", "ac": "1", "wireless": "4"}  # BatteryManager plug bits
WAKE_KEYS = {"KEYCODE_WAKEUP", "224", "KEYCODE_POWER", "26"}


def svc(call: Call, args: list[str]) -> int:
    if args[:2] == ["power", "stayon"] and len(args) == 3 and args[2] in STAY_ON:
        call.phone.settings[("global", "stay_on_while_plugged_in")] = STAY_ON[args[2]]
        return 0
    return call.fail("usage: svc power stayon [true|false|usb|ac|wireless]")


def input_(call: Call, args: list[str]) -> int:
    if args[:1] != ["keyevent"] or len(args) < 2:
        return call.fail("Error: Unknown command: " + " ".join(args[:1]))
    for key in args[1:]:
        if key in WAKE_KEYS:
            call.phone.screen["awake"] = key in ("KEYCODE_WAKEUP", "224") or not call.phone.screen["awake"]
        elif not key.startswith("KEYCODE_") and not key.isdigit():
            return call.fail(f"Error: Unknown keycode: {key}")
    return 0


def wm(call: Call, args: list[str]) -> int:
    if args == ["dismiss-keyguard"]:
        call.phone.screen["locked"] = False
        return 0
    return call.fail(f"Unknown command: {' '.join(args)}", 255)


def settings(call: Call, args: list[str]) -> int:
    if len(args) >= 3 and args[0] in ("get", "put") and args[1] in ("global", "system", "secure"):
        key = (args[1], args[2])
        if args[0] == "get" and len(args) == 3:
            call.print(call.phone.settings.get(key, "null"))
            return 0
        if args[0] == "put" and len(args) == 4:
            call.phone.settings[key] = args[3]
            return 0
    return call.fail("usage: settings [get|put] [global|system|secure] NAME [VALUE]", 255)


POWER_COMMANDS = {"svc": svc, "input": input_, "wm": wm, "settings": settings}
