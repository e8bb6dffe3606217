"""`kdoffload android bench`: start the app's benchmark on the phone and bring its result home."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from kdoffload.android.adb import Adb, AdbError
from kdoffload.android.devices import Device
from kdoffload.android.push import PACKAGE, PushConfig, push_profile
from kdoffload.android.results import parse_results, phone_result_path
from model.errors import InputError
from model.io import atomic_write_json
from model.profile import Profile
from model.runs import Runs

ACTIVITY = f"{PACKAGE}/.BenchActivity"
RESULT_FILE = "files/kdoffload_results.json"
LOG_TAG = "kdoffload"


@dataclass(frozen=True)
class BenchConfig:
    iters: int = 1000
    warmup: int = 100
    top_k: int = 8
    stream_tasks: int = 1000
    timeout_s: float = 600.0
    poll_s: float = 0.5
    report_every_s: float = 10.0


def ensure_app(adb: Adb, device: Device) -> None:
    listed = adb.shell("pm", "list", "packages", PACKAGE).stdout.decode("utf-8", "replace").split()
    if f"package:{PACKAGE}" not in listed:
        raise InputError(f"{PACKAGE} is not installed on {device.serial}: kdoffload android install")


def is_emulated(adb: Adb) -> bool:
    return adb.shell("getprop", "ro.kdoffload.emulated").stdout.strip() == b"1"


def start_benchmark(adb: Adb, model_dir: str, cfg: BenchConfig) -> None:
    done = adb.shell("am", "start", "-W", "-S", "-n", ACTIVITY, "--es", "model_dir", model_dir,
                     "--ei", "num_iter", str(cfg.iters), "--ei", "num_warm_up_iter", str(cfg.warmup),
                     "--ei", "top_k", str(cfg.top_k), "--ei", "stream_tasks", str(cfg.stream_tasks))
    said = (done.stdout + done.stderr).decode("utf-8", "replace")
    if "Error" in said:  # am's exit code says nothing on older phones; its words do
        raise AdbError(f"am start {ACTIVITY}: {' | '.join(said.split(chr(10))[-3:]).strip()}")


def wait_for_result(adb: Adb, cfg: BenchConfig, progress) -> bytes:
    """Poll the app's files folder until the result is there, then read it whole. An app that
    died without writing it ends the wait early."""
    began = last_report = time.monotonic()
    while True:
        if _result_written(adb):
            return adb.exec_out("run-as", PACKAGE, "cat", RESULT_FILE)
        if _app_died(adb) and not _result_written(adb):
            raise InputError(f"the app stopped without a result; adb logcat -d -s {LOG_TAG} shows: "
                             f"{_log_tail(adb)}")
        now = time.monotonic()
        if now - began > cfg.timeout_s:
            raise InputError(f"no result from the phone within {cfg.timeout_s:g} s; "
                             f"adb logcat -d -s {LOG_TAG} shows: {_log_tail(adb)}")
        if now - last_report >= cfg.report_every_s:
            progress(f"waiting for the phone's result: {now - began:.0f} s")
            last_report = now
        time.sleep(cfg.poll_s)


def _result_written(adb: Adb) -> bool:
    listing = adb.shell("run-as", PACKAGE, "ls", "files", check=False).stdout.split()
    return RESULT_FILE.split("/")[-1].encode() in listing


def _app_died(adb: Adb) -> bool:
    """True only when `pidof` exists and finds no process of the app (an old phone without
    pidof, or one whose shell hides exit codes and says something, never counts as dead)."""
    done = adb.shell("pidof", PACKAGE, check=False)
    return done.returncode == 1 and not done.stdout.strip() and not done.stderr.strip()


def _log_tail(adb: Adb) -> str:
    lines = adb.shell("logcat", "-d", "-s", LOG_TAG, check=False).stdout.decode("utf-8", "replace")
    lines = [line.strip() for line in lines.splitlines() if line.strip() and not line.startswith("-")]
    return " | ".join(lines[-3:]) if lines else "nothing"


def run_bench(adb: Adb, device: Device, profile: Profile, push_cfg: PushConfig, cfg: BenchConfig,
              progress=print) -> tuple[Path, dict]:
    """Push if needed, run the benchmark, validate and write runs/<profile>/bench/phone-<serial>.json."""
    ensure_app(adb, device)
    model_dir = push_profile(adb, profile, push_cfg, progress)
    adb.shell("run-as", PACKAGE, "rm", "-f", RESULT_FILE)
    progress(f"starting {ACTIVITY} on {device.serial}")
    start_benchmark(adb, model_dir, cfg)
    raw = wait_for_result(adb, cfg, progress)
    records = parse_results(raw, f"{device.serial}:{RESULT_FILE}")
    result = {"serial": device.serial, "profile": profile.name, "emulated": is_emulated(adb),
              "model": push_cfg.model, "quantization": push_cfg.quant,
              "settings": {"iters": cfg.iters, "warmup": cfg.warmup, "top_k": cfg.top_k,
                           "stream_tasks": cfg.stream_tasks, "states_seed": push_cfg.seed},
              "deviceInfo": records[0]["deviceInfo"], "records": records}
    path = phone_result_path(Runs(profile.name), device.serial)
    atomic_write_json(path, result)
    return path, result
