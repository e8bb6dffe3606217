"""`kdoffload android bench`: start the app's benchmark on the phone and bring its result home.

While the app times decisions nothing runs on the phone's behalf: the host waits on one
`logcat -m 1` read, which sleeps in the log reader until the app's last line (or a crash line)
arrives, instead of starting `adb shell` processes on the phone every half second.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kdoffload.android.adb import Adb, AdbError
from kdoffload.android.awake import kept_awake
from kdoffload.android.devices import Device
from kdoffload.android.graph_push import digest, push_graph
from kdoffload.android.push import PACKAGE, PushConfig, push_profile
from kdoffload.android.results import graph_summary, parse_results, phone_result_path, refusal
from kdoffload.model.decider import TOP_K
from kdoffload.model.errors import InputError
from kdoffload.model.io import atomic_write_json
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs

ACTIVITY = f"{PACKAGE}/.BenchActivity"
RESULT_FILE = "files/kdoffload_results.json"
LOG_TAG = "kdoffload"
# The app's last line starts with "finished: " or "failed: " (BenchFailure in android_demo/core);
# a crash ends the wait too: the Java runtime's FATAL EXCEPTION, the C library's Fatal signal.
END_OF_RUN = r"^(finished|failed): |FATAL EXCEPTION|Fatal signal"
CRASH_TAGS = ("AndroidRuntime", "libc", "DEBUG")


@dataclass(frozen=True)
class BenchConfig:
    iters: int = 1000
    warmup: int = 100
    top_k: int = TOP_K
    stream_tasks: int = 1000
    threads: int = 1  # XNNPACK threads, said explicitly (the AAR's default is cores / 2)
    timeout_s: float = 600.0


def ensure_app(adb: Adb, device: Device) -> None:
    listed = adb.shell("pm", "list", "packages", PACKAGE).stdout.decode("utf-8", "replace").split()
    if f"package:{PACKAGE}" not in listed:
        raise InputError(f"{PACKAGE} is not installed on {device.serial}: kdoffload android install")


def is_emulated(adb: Adb) -> bool:
    return adb.shell("getprop", "ro.kdoffload.emulated").stdout.strip() == b"1"


def start_benchmark(adb: Adb, model_dir: str, cfg: BenchConfig, graph_file: str | None = None) -> None:
    graph = ["--es", "graph_file", graph_file] if graph_file else []
    done = adb.shell("am", "start", "-W", "-S", "-n", ACTIVITY, "--es", "model_dir", model_dir, *graph,
                     "--ei", "num_iter", str(cfg.iters), "--ei", "num_warm_up_iter", str(cfg.warmup),
                     "--ei", "top_k", str(cfg.top_k), "--ei", "stream_tasks", str(cfg.stream_tasks),
                     "--ei", "num_threads", str(cfg.threads), check=False)
    said = (done.stdout + done.stderr).decode("utf-8", "replace")
    # am's exit code says nothing on older phones; its words do.
    if done.returncode != 0 or "Error" in said or "Exception" in said:
        raise AdbError(f"am start {ACTIVITY}: {' | '.join(said.strip().splitlines()[-3:])}")


def wait_for_end(adb: Adb, cfg: BenchConfig) -> str:
    """Blocks until the app's last line or a crash line is in the log; returns that line."""
    try:
        done = adb.shell("logcat", "-m", "1", "-e", END_OF_RUN, "-s", LOG_TAG, *CRASH_TAGS,
                         timeout_s=cfg.timeout_s, check=False)
    except AdbError:
        raise InputError(f"no result from the phone within {cfg.timeout_s:g} s; adb logcat -d -s "
                         f"{LOG_TAG} shows: {log_summary(adb)}") from None
    return done.stdout.decode("utf-8", "replace").strip()


def log_summary(adb: Adb) -> str:
    """The app's last line and any crash lines of this run (the log was cleared before it)."""
    text = adb.shell("logcat", "-d", "-s", LOG_TAG, *CRASH_TAGS, check=False).stdout
    app, crash = [], []
    for line in text.decode("utf-8", "replace").splitlines():
        tag, _, message = line.partition(": ")
        if not message.strip() or line.startswith("-"):
            continue
        (app if tag.rstrip().endswith(f" {LOG_TAG}") else crash).append(message.strip())
    said = app[-1:] + [f"crash: {line}" for line in crash[:4]]
    return " | ".join(said) if said else "nothing"


def remove_old_result(adb: Adb, device: Device) -> None:
    """Also the check that run-as reaches the app's files: only a debuggable build lets it."""
    done = adb.shell("run-as", PACKAGE, "rm", "-f", RESULT_FILE, check=False)
    said = (done.stdout + done.stderr).decode("utf-8", "replace").strip()
    if "not debuggable" in said:
        raise InputError(f"{PACKAGE} on {device.serial} is not debuggable, so run-as cannot read its "
                         "result: install the debug build (kdoffload android build, then install)")
    if done.returncode != 0:
        raise AdbError(f"run-as {PACKAGE} rm -f {RESULT_FILE} failed: {said or 'no output'}")


def read_result(adb: Adb, device: Device, end_line: str) -> list[dict]:
    if not end_line.partition(": ")[2].startswith(("finished: ", "failed: ")):
        raise InputError(f"the app crashed on {device.serial}: {log_summary(adb)}")
    listing = adb.shell("run-as", PACKAGE, "ls", "files", check=False).stdout.split()
    if RESULT_FILE.split("/")[-1].encode() not in listing:
        raise InputError(f"the app stopped without a result ({end_line or 'no last line'}); "
                         f"adb logcat -d shows: {log_summary(adb)}")
    raw = adb.exec_out("run-as", PACKAGE, "cat", RESULT_FILE)
    records = parse_results(raw, f"{device.serial}:{RESULT_FILE}")
    refused = refusal(records)
    if refused:
        raise InputError(f"the app refused the run on {device.serial}: {refused}")
    return records


def run_bench(adb: Adb, device: Device, profile: Profile, push_cfg: PushConfig, cfg: BenchConfig,
              progress=print, graph_run: Path | None = None) -> tuple[Path, dict]:
    """Push if needed, run the benchmark, validate and write runs/<profile>/bench/phone-<serial>.json.
    With `graph_run` (the graph student's folder), `profile` is the graph it decides for."""
    ensure_app(adb, device)
    if graph_run is None:
        model_dir, graph_file = push_profile(adb, profile, push_cfg, progress), None
    else:
        pushed = push_graph(adb, profile, graph_run, push_cfg, progress)
        model_dir, graph_file = pushed.model_dir, pushed.graph_file
    remove_old_result(adb, device)
    adb.shell("logcat", "-c")  # this run's lines only: no crash of an older run in the report
    with kept_awake(adb):
        progress(f"starting {ACTIVITY} on {device.serial} ({cfg.threads} XNNPACK thread(s))")
        start_benchmark(adb, model_dir, cfg, graph_file)
        end_line = wait_for_end(adb, cfg)
    records = read_result(adb, device, end_line)
    result = {"serial": device.serial, "profile": profile.name, "emulated": is_emulated(adb),
              "model": push_cfg.model, "quantization": push_cfg.quant,
              "settings": {"iters": cfg.iters, "warmup": cfg.warmup, "top_k": cfg.top_k,
                           "stream_tasks": cfg.stream_tasks, "threads": cfg.threads,
                           "states_seed": push_cfg.seed, "rate_per_s": push_cfg.rate_per_s},
              "deviceInfo": records[0]["deviceInfo"], "records": records}
    if graph_run is not None:
        pushed = {"name": profile.name, "n": profile.n, "digest": digest(profile)}
        result.update(graph_summary(records, pushed, f"{device.serial}:{RESULT_FILE}"))
    path = phone_result_path(Runs(profile.name), device.serial, graph_student=graph_run is not None)
    atomic_write_json(path, result)
    return path, result
