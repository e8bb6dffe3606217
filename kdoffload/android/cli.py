"""`kdoffload android ...`: a phone, or the emulated one, driven through adb."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from kdoffload.android import build as apk_build
from kdoffload.android.adb import Adb, AdbError, find_adb
from kdoffload.android.bench_run import BenchConfig, run_bench
from kdoffload.android.devices import choose_device, list_devices
from kdoffload.android.graph_push import graph_profile, push_graph
from kdoffload.android.install_failures import install_failure
from kdoffload import outputs
from kdoffload.android.push import PushConfig, push_profile
from kdoffload.android.results import latency_rows
from kdoffload.common import ProfileOption, console, err_console, user_errors
from kdoffload.model.decider import TOP_K
from kdoffload.model.errors import InputError
from kdoffload.model.profile import load_profile
from kdoffload.model.runs import EMULATED_PHONE, GRAPH_STUDENT, Runs

android_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Run the decision benchmark on an Android phone.")

SerialOption = Annotated[str, typer.Option("--serial", "-s", help="The device (adb devices); needed "
                                           "when several are attached.")]
ModelOption = Annotated[str, typer.Option(help="Which export: student or teacher.")]
QuantOption = Annotated[str, typer.Option("--quant", help=(
    "fp32 or int8; default: what a phone gets (int8 for the student, fp32 for the teacher; with "
    "--graph, the build the graph export's rule shipped, export/shipped.json)."))]


def _say(text: str) -> None:
    err_console.print(text, markup=False, highlight=False, soft_wrap=True)


def _device(serial: str | None):
    adb = Adb(find_adb())
    device = choose_device(adb, serial)
    return adb.on(device.serial), device


@android_app.command()
@user_errors
def devices(serial: SerialOption = None):
    """Attached devices (adb devices -l): serial, state, model."""
    found = [d for d in list_devices(Adb(find_adb())) if serial in (None, d.serial)]
    if serial is not None and not found:
        raise InputError(f"--serial {serial}: no such device attached")
    if not found:
        console.print("no device attached", markup=False)
    for device in found:
        console.print(f"{device.serial:<24} {device.state:<13} {device.model or '-'}", markup=False,
                      highlight=False)


@android_app.command()
@user_errors
def build():
    """Assemble the debug APK of android_demo/ with its Gradle wrapper (needs an Android SDK)."""
    console.print(str(apk_build.build_debug_apk()), markup=False)


@android_app.command()
@user_errors
def install(apk: Annotated[Path, typer.Option(help="The APK (default: the debug build).")] = None,
            serial: SerialOption = None):
    """adb install -r the app."""
    apk = apk or apk_build.DEBUG_APK
    if not apk.is_file():
        raise InputError(f"{apk}: no such APK (kdoffload android build makes it, or give --apk)")
    adb, device = _device(serial)
    try:
        adb.install(apk)
    except AdbError as err:
        advice = install_failure(str(err))
        if advice is None:
            raise
        raise InputError(f"{apk}: {device.serial} refused it: {advice}") from None
    console.print(f"installed {apk} on {device.serial}", markup=False, highlight=False)


def _positive(value: float, option: str) -> None:
    if not value > 0:
        raise InputError(f"{option}: must be positive, got {value}")


GraphOption = Annotated[str, typer.Option("--graph", help=(
    "A task graph file (TOML, docs/formats.md), or a profile whose graph to take: the graph student "
    "decides for it (instead of --profile's own model)."))]
GraphRunOption = Annotated[Path, typer.Option("--run", help="With --graph: the graph student's folder (kdoffload graph export; default runs/graph-student).")]
# Bounded by typer (a value outside is its one-line error, exit 2): above 1000 tasks/s every
# device queues whatever it decides, below 1 task in 1000 s the stream is idle phone time.
RateOption = Annotated[float, typer.Option("--rate", min=1e-3, max=1e3, help=(
    "Poisson arrival rate of the benchmark's task stream, tasks per second (its states are drawn "
    "with it on the host and pushed); lower it where the phone cannot keep up, e.g. graphs of 50 subtasks."))]


def _target(profile: str | None, graph: str | None, run: Path | None):
    """(the profile, or the graph the graph student decides for; the graph student's folder, None
    for a profile's own export)."""
    if profile is not None and graph is not None:
        raise InputError("--profile and --graph: give one (with --graph the graph student decides for it)")
    if graph is not None:
        return graph_profile(graph), run or GRAPH_STUDENT
    if run is not None:
        raise InputError("--run: the graph student's folder is used only with --graph")
    return load_profile(profile or "chain6"), None


@android_app.command()
@user_errors
def push(profile: ProfileOption = None, model: ModelOption = "student", quant: QuantOption = None,
         graph: GraphOption = None, run: GraphRunOption = None, rate: RateOption = PushConfig.rate_per_s,
         serial: SerialOption = None):
    """Push the export, its manifest and benchmark states to the phone, checked by sha256
    (default profile chain6; with --graph, the graph student's export and the graph)."""
    prof, graph_run = _target(profile, graph, run)
    cfg = PushConfig(model=model, quant=_quant(quant, graph_run), rate_per_s=rate)
    adb, device = _device(serial)
    with outputs.holding(Runs(prof.name).dir):  # the export it may make lives in runs/<profile>
        remote = push_graph(adb, prof, graph_run, cfg, _say).model_dir if graph_run else push_profile(adb, prof, cfg, _say)
    what = f"graph student ({cfg.quant}) export, the graph {prof.name} ({prof.n} subtasks)" if graph_run \
        else f"{model} ({cfg.quant}) export"
    console.print(f"{device.serial}:{remote} holds the {what} and its benchmark states, sha256 checked",
                  markup=False, highlight=False)


@android_app.command()
@user_errors
def bench(profile: ProfileOption = None, model: ModelOption = "student", quant: QuantOption = None,
          graph: GraphOption = None, run: GraphRunOption = None, rate: RateOption = PushConfig.rate_per_s,
          iters: Annotated[int, typer.Option(help="Timed decisions.")] = 1000,
          warmup: Annotated[int, typer.Option(help="Untimed decisions first.")] = 100,
          top_k: Annotated[int, typer.Option("--top-k", help="K of the top-K decoder.")] = TOP_K,
          stream_tasks: Annotated[int, typer.Option(help="Tasks of the scheduled stream.")] = 1000,
          threads: Annotated[int, typer.Option(help="XNNPACK threads of the model (the host's runs use 1).")] = BenchConfig.threads,
          timeout: Annotated[float, typer.Option(help="Seconds to wait for the result.")] = 600.0,
          serial: SerialOption = None):
    """Run the app's benchmark on the phone; writes runs/<profile>/bench/phone-<serial>.json
    (with --graph: runs/<graph>/bench/phone-<serial>-graph-student.json)."""
    for value, option in ((iters, "--iters"), (top_k, "--top-k"), (stream_tasks, "--stream-tasks"),
                          (threads, "--threads"), (timeout, "--timeout")):
        _positive(value, option)
    if warmup < 0:
        raise InputError(f"--warmup: must not be negative, got {warmup}")
    prof, graph_run = _target(profile, graph, run)
    adb, device = _device(serial)
    cfg = BenchConfig(iters=iters, warmup=warmup, top_k=top_k, stream_tasks=stream_tasks,
                      threads=threads, timeout_s=timeout)
    with outputs.holding(Runs(prof.name).dir):
        path, result = run_bench(adb, device, prof, PushConfig(model=model, quant=_quant(quant, graph_run), rate_per_s=rate), cfg, _say,
                                 graph_run=graph_run)
    console.print(_table(prof.name, result), markup=False, highlight=False)
    console.print(str(path), markup=False, highlight=False)


def _quant(quant: str | None, graph_run: Path | None) -> str | None:
    """No --quant: a graph student's run ships the build its export rule chose; a profile's
    export, the exporter's default (PushConfig)."""
    if quant is not None or graph_run is None:
        return quant
    from kdoffload.jobs.graph import shipped_quantization

    return shipped_quantization(graph_run)


def _table(profile_name: str, result: dict) -> str:
    """The phone's rows under the host's `kdoffload bench latency` rows, when those exist."""
    from kdoffload.evaluation.latency_report import rows_table

    host = Runs(profile_name).bench / "latency.json"
    host_rows = json.loads(host.read_text())["records"] if host.is_file() else []
    return rows_table(host_rows + latency_rows(result))


# adb finds a device on its own on the odd ports 5555-5585 (as emulator-<port - 1>), and an
# `adb connect` there would list the phone twice: the default port lies outside that range.
@android_app.command()
@user_errors
def emulator(port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port on 127.0.0.1 (adb connect 127.0.0.1:PORT).")] = 15555,
             sandbox: Annotated[Path, typer.Option(file_okay=False, help="Folder that is the phone's storage.")] = EMULATED_PHONE,
             launcher: Annotated[Path, typer.Option(help="What `am start` of the app runs.")] = None,
             no_shell_v2: Annotated[bool, typer.Option("--no-shell-v2", help="Act as an old phone: plain shell, push + pm install.")] = False,
             sdk: Annotated[int, typer.Option(help="ro.build.version.sdk (install refuses an APK whose minSdk is above).")] = None,
             abilist: Annotated[str, typer.Option(help="ro.product.cpu.abilist, comma-separated (default: the host's).")] = None):
    """An emulated phone in the foreground: the real adb drives it like one (Ctrl-C stops it)."""
    from kdoffload.android.phone.server import DEFAULT_LAUNCHER, Phone, PhoneConfig, listen, serve

    device = {key: value for key, value in (("sdk", sdk), ("abilist", abilist)) if value is not None}
    phone = Phone(PhoneConfig(sandbox=sandbox, launcher=launcher or DEFAULT_LAUNCHER,
                              shell_v2=not no_shell_v2, **device))
    try:
        server = listen(phone, port)
    except OSError as err:
        raise InputError(f"--port {port}: cannot listen on 127.0.0.1 ({err.strerror})") from None
    console.print(f"emulated phone on 127.0.0.1:{port}, storage {sandbox}; now: adb connect "
                  f"127.0.0.1:{port}", markup=False, highlight=False)
    try:
        serve(phone, server)
    except KeyboardInterrupt:
        server.close()
