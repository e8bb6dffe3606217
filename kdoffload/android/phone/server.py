"""The emulated phone: a TCP server that the real adb drives like a phone (`adb connect`).

Services: `shell:` (plain), `shell,v2,...:` (stdout, stderr and the exit code as packets),
`exec:` (raw, with stdin: adb's streamed install) and `sync:` (push, pull, stat, list). Without
the shell_v2 feature the banner advertises neither shell_v2 nor cmd, so adb falls back to the
plain shell and to push + `pm install`, as with an old phone.
"""

from __future__ import annotations

import platform
import socket
import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path

from kdoffload.android.phone import files, packages, system
from kdoffload.android.phone.power import POWER_COMMANDS
from kdoffload.android.phone.activities import Activities, am, pidof
from kdoffload.android.phone.shell import Call, run_line
from kdoffload.android.phone.storage import Storage
from kdoffload.android.phone.sync import sync_service
from kdoffload.android.phone.transport import Connection, Stream

MODEL = "kdoffload-emulated"
DEFAULT_LAUNCHER = Path("build/android_host/hostbench")
RELEASES = {24: "7.0", 26: "8.0", 27: "8.1", 28: "9", 29: "10", 30: "11", 31: "12", 33: "13", 34: "14", 35: "15"}
STDOUT, STDERR, EXIT = 1, 2, 3  # shell v2 packet ids
COMMANDS = {**files.FILE_COMMANDS, "toybox": files.toybox, "pm": packages.pm, "cmd": packages.cmd,
            "am": am, "pidof": pidof, "run-as": system.run_as, "logcat": system.logcat, "getprop": system.getprop,
            **POWER_COMMANDS}
HOST_ABI = {"x86_64": "x86_64", "aarch64": "arm64-v8a"}.get(platform.machine(), platform.machine())


@dataclass
class PhoneConfig:
    sandbox: Path
    launcher: Path = DEFAULT_LAUNCHER
    shell_v2: bool = True
    handshake: str = "accept"  # accept | auth (stays unauthorized) | silent (stays offline)
    model: str = MODEL
    sdk: int = 34  # ro.build.version.sdk: Android 14
    abilist: str = HOST_ABI  # ro.product.cpu.abilist: what the host JVM runs


@dataclass
class Phone:
    config: PhoneConfig
    storage: Storage = field(init=False)
    activities: Activities = field(init=False)
    properties: dict[str, str] = field(init=False)
    settings: dict[tuple[str, str], str] = field(default_factory=lambda: {("global", "stay_on_while_plugged_in"): "0"})
    screen: dict[str, bool] = field(default_factory=lambda: {"awake": False, "locked": True})

    def __post_init__(self):
        self.storage = Storage(Path(self.config.sandbox))
        self.activities = Activities(self.storage, Path(self.config.launcher).resolve(), self.config.model)
        self.properties = {"ro.product.model": self.config.model, "ro.product.name": "kdoffload_emulated",
                           "ro.product.device": "kdoffload", "ro.product.manufacturer": "kdoffload",
                           "ro.product.cpu.abi": self.config.abilist.split(",")[0],
                           "ro.product.cpu.abilist": self.config.abilist,
                           "ro.build.version.release": RELEASES.get(self.config.sdk, "?"),
                           "ro.build.version.sdk": str(self.config.sdk), "ro.kdoffload.emulated": "1"}

    def banner(self) -> str:
        features = "shell_v2,cmd" if self.config.shell_v2 else ""
        return (f"device::ro.product.name={self.properties['ro.product.name']};"
                f"ro.product.model={self.config.model};ro.product.device="
                f"{self.properties['ro.product.device']};features={features}")

    def resolve(self, name: str):
        if name == "sync:":
            return sync_service(self.storage)
        head, colon, command = name.partition(":")
        if not colon:
            return None
        options = head.split(",")
        if options[0] == "exec":
            return lambda stream: self._exec(stream, command)
        if options[0] == "shell":
            return lambda stream: self._shell(stream, command, "v2" in options[1:])
        return None

    def run(self, line: str, stdin=None) -> tuple[bytes, bytes, int]:
        call = Call(self, stdin=stdin)
        code = run_line(call, line, COMMANDS)
        return bytes(call.out), bytes(call.err), code

    def _exec(self, stream: Stream, command: str) -> None:
        out, err, _ = self.run(command, stdin=stream.read_exactly)
        stream.write(out + err)

    def _shell(self, stream: Stream, command: str, v2: bool) -> None:
        if not command.strip():
            out, err, code = b"", b"the emulated phone has no interactive shell\n", 1
        else:
            out, err, code = self.run(command)
        if not v2:
            stream.write(out + err)
            return
        packets = b"".join(struct.pack("<BI", kind, len(data)) + data
                           for kind, data in ((STDOUT, out), (STDERR, err)) if data)
        stream.write(packets + struct.pack("<BI", EXIT, 1) + bytes([code & 0xFF]))


def listen(phone: Phone, port: int = 0) -> socket.socket:
    """A listening socket on 127.0.0.1 (port 0: any free port; read it from getsockname)."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", port))
    server.listen(8)
    return server


def serve(phone: Phone, server: socket.socket) -> None:
    """Accept adb servers until the socket is closed; one thread per connection."""
    while True:
        try:
            sock, _ = server.accept()
        except OSError:
            return
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        connection = Connection(sock, phone.banner(), phone.config.handshake, phone.resolve)
        threading.Thread(target=connection.run, daemon=True).start()


def start_in_thread(config: PhoneConfig) -> tuple[Phone, socket.socket, int]:
    phone = Phone(config)
    server = listen(phone)
    threading.Thread(target=serve, args=(phone, server), daemon=True).start()
    return phone, server, server.getsockname()[1]
