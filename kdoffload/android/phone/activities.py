"""`am start` on the emulated phone: the app's activity is the host launcher of the app's core.

`am start -n org.kdoffload.demo/.BenchActivity --es model_dir D --ei num_iter N ...` runs
`<launcher> --model-dir <D in the sandbox> --files-dir <the app's files dir in the sandbox>
--num-iter N ... --device-name <model>` in the background, as the app's benchmark runs on its
own thread; what it prints goes to the log under the app's tag. `-S` stops a running one first;
`-W` returns once it has started, like a launch that completed.

The app's process outlives its benchmark, as an Android process outlives its finished activity
(`pidof` finds it until `am force-stop`); a launcher that dies another way than through the
app's own exit codes (0, or 2 after writing the failure result) is a crash, and the log gets the
Java runtime's `AndroidRuntime: FATAL EXCEPTION` lines with what it printed last.
"""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

from kdoffload.android.phone.shell import Call

TAG = "kdoffload"
# Intent extras the app reads, and the launcher option each one becomes.
EXTRA_OPTIONS = {"model_dir": "--model-dir", "num_iter": "--num-iter",
                 "num_warm_up_iter": "--num-warm-up-iter", "top_k": "--top-k",
                 "stream_tasks": "--stream-tasks", "num_threads": "--num-threads",
                 "graph_file": "--graph-file"}
PATH_EXTRAS = ("model_dir", "graph_file")  # phone paths: the launcher gets them in the sandbox
APP_EXITS = (0, 2)  # hostbench: a result, or the failure result written


class Activities:
    def __init__(self, storage, launcher: Path, device_name: str):
        self.storage, self.launcher, self.device_name = storage, Path(launcher), device_name
        self._running: dict[str, subprocess.Popen] = {}
        self._alive: set[str] = set()  # packages whose process lives on after its benchmark
        self._lock = threading.Lock()

    def force_stop(self, package: str) -> None:
        with self._lock:
            process = self._running.pop(package, None)
            self._alive.discard(package)
        if process is not None and process.poll() is None:
            process.kill()
            process.wait()

    def pid(self, package: str) -> int | None:
        with self._lock:
            process = self._running.get(package)
            alive = package in self._alive
        return process.pid if process is not None and alive else None

    def start(self, package: str, extras: dict[str, str]) -> subprocess.Popen:
        argv = [str(self.launcher)]
        for key, option in EXTRA_OPTIONS.items():
            if key in extras:
                value = extras[key]
                if key in PATH_EXTRAS:
                    value = str(self.storage.host_path(value))
                argv += [option, value]
        files = self.storage.host_path(f"/data/data/{package}/files")
        files.mkdir(parents=True, exist_ok=True)
        argv += ["--files-dir", str(files), "--device-name", self.device_name]
        # Where Android's ActivityManager says "Start proc ...": not under the app's own tag.
        self.storage.log("ActivityManager", "I", "start: " + " ".join(argv[1:]))
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, text=True, errors="replace")
        with self._lock:
            self._running[package] = process
            self._alive.add(package)
        threading.Thread(target=self._pump, args=(package, process), daemon=True).start()
        return process

    def _pump(self, package: str, process: subprocess.Popen) -> None:
        said: list[str] = []
        for line in process.stdout:
            said = (said + [line.rstrip("\n")])[-3:]
            self.storage.log(TAG, "I", said[-1])
        code = process.wait()
        with self._lock:
            killed = self._running.get(package) is not process  # am force-stop, or a new start
        if code in APP_EXITS or killed:
            return
        with self._lock:
            self._alive.discard(package)
        for line in ["FATAL EXCEPTION: main", f"Process: {package}, PID: {process.pid}",
                     f"java.lang.RuntimeException: the app exited with code {code}", *said]:
            self.storage.log("AndroidRuntime", "E", line)


def am(call: Call, args: list[str]) -> int:
    if args[:1] == ["force-stop"] and len(args) == 2:
        call.phone.activities.force_stop(args[1])
        return 0
    if args[:1] != ["start"]:
        return call.fail(f"am: unknown command {' '.join(args[:1])!r}")
    flags, component, extras = set(), None, {}
    rest = args[1:]
    while rest:
        option = rest.pop(0)
        if option in ("-W", "-S"):
            flags.add(option)
        elif option == "-n" and rest:
            component = rest.pop(0)
        elif option in ("--es", "--ei", "--el", "--ef", "--ez") and len(rest) >= 2:
            key, value = rest.pop(0), rest.pop(0)
            if option == "--ei" and not _java_int(value):
                # am parses the extra with Integer.parseInt before anything starts.
                return call.fail("Exception occurred while executing 'start':\njava.lang.NumberFormatException: "
                                 f'For input string: "{value}"', 255)
            extras[key] = value
        else:
            return call.fail(f"Error: Unknown option: {option}")
    if component is None or "/" not in component:
        return call.fail("Error: give the activity with -n PACKAGE/ACTIVITY")
    package, activity = component.split("/", 1)
    call.print(f"Starting: Intent {{ cmp={component} }}")
    if not call.phone.storage.is_installed(package) or activity not in (".BenchActivity",
                                                                       f"{package}.BenchActivity"):
        return call.fail(f"Error: Activity not started, unable to resolve Intent {{ cmp={component} }}")
    if not call.phone.activities.launcher.is_file():
        return call.fail(f"Error: the emulated app's launcher {call.phone.activities.launcher} "
                         "does not exist (make android-host builds it)")
    if "-S" in flags:
        call.phone.activities.force_stop(package)
    began = time.perf_counter()
    call.phone.activities.start(package, extras)
    if "-W" in flags:
        took_ms = int((time.perf_counter() - began) * 1000)
        call.print(f"Status: ok\nActivity: {component}\nTotalTime: {took_ms}\nWaitTime: {took_ms}\n"
                   "Complete")
    return 0


def _java_int(text: str) -> bool:
    try:
        return -2**31 <= int(text, 10) < 2**31 and text.strip() == text and "_" not in text
    except ValueError:
        return False


def pidof(call: Call, args: list[str]) -> int:
    """The app's process is its benchmark launcher while that runs."""
    pids = [call.phone.activities.pid(name) for name in args]
    if not any(pids):
        return 1
    call.print(" ".join(str(p) for p in pids if p))
    return 0
