"""Which phone a command talks to: `adb devices -l`, its states, and --serial."""

from __future__ import annotations

from dataclasses import dataclass

from kdoffload.android.adb import Adb
from kdoffload.model.errors import InputError

STATE_ADVICE = {
    "unauthorized": "accept the 'Allow USB debugging' prompt on the phone, then try again",
    "authorizing": "accept the 'Allow USB debugging' prompt on the phone, then try again",
    "offline": "it does not answer adb: reconnect it (adb reconnect, or unplug and plug it in)",
    "no permissions": "the USB device is not accessible: add a udev rule for it",
}


@dataclass(frozen=True)
class Device:
    serial: str
    state: str
    details: dict[str, str]

    @property
    def model(self) -> str:
        return self.details.get("model", "")


def list_devices(adb: Adb) -> list[Device]:
    out = adb.run(["devices", "-l"], timeout_s=30).stdout.decode("utf-8", "replace")
    devices = []
    for line in out.splitlines():
        if not line.strip() or line.startswith(("List of devices", "*")):
            continue
        serial, _, rest = line.partition(" ") if "\t" not in line else line.partition("\t")
        words = rest.split()
        state_words = []
        while words and ":" not in words[0]:
            state_words.append(words.pop(0))
        details = dict(w.split(":", 1) for w in words if ":" in w)
        devices.append(Device(serial.strip(), " ".join(state_words), details))
    return devices


def choose_device(adb: Adb, serial: str | None) -> Device:
    """The one device a command may use, ready for it; else a one-line reason."""
    devices = list_devices(adb)
    if serial is not None:
        matching = [d for d in devices if d.serial == serial]
        if not matching:
            attached = ", ".join(d.serial for d in devices) or "none"
            raise InputError(f"--serial {serial}: no such device attached (attached: {attached})")
        device = matching[0]
    elif not devices:
        raise InputError("no device attached: plug in a phone with USB debugging on, or "
                         "`adb connect HOST:PORT` (kdoffload android emulator serves an emulated one)")
    elif len(devices) > 1:
        listed = ", ".join(f"{d.serial} ({d.state})" for d in devices)
        raise InputError(f"several devices attached, choose one with --serial: {listed}")
    else:
        device = devices[0]
    if device.state != "device":
        advice = STATE_ADVICE.get(device.state.split(" (")[0], "wait until adb shows it as 'device'")
        raise InputError(f"device {device.serial} is {device.state}: {advice}")
    return device
