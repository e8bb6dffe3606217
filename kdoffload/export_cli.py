"""`kdoffload export` (checkpoint -> verified .pte + manifest) and `kdoffload bench latency`."""

from __future__ import annotations

from typing import Annotated

import typer

from kdoffload import options, outputs
from kdoffload.lazy import lazy
from kdoffload.common import ProfileOption, console, err_console, user_errors
from kdoffload.pipeline import ensure_dataset
from kdoffload.mobile_export.config import ExportConfig, manifest_path, pte_path, shipped_quantization
from kdoffload.model.decider import TOP_K, Decoder, DecoderConfig
from kdoffload.model import dataset, native
from kdoffload.model.errors import InputError
from kdoffload.model.profile import Profile, load_profile
from kdoffload.model.runs import Runs

exporter = lazy("kdoffload.mobile_export.export")
policy = lazy("kdoffload.mobile_export.policy")
verify = lazy("kdoffload.mobile_export.verify")
latency_run = lazy("kdoffload.evaluation.latency")
latency_native = lazy("kdoffload.evaluation.latency_native")
latency_report = lazy("kdoffload.evaluation.latency_report")

ModelOption = Annotated[str, typer.Option(help="Which network: student or teacher.")]
BackendOption = Annotated[str, typer.Option(help="xnnpack (delegated) or portable (no delegate).")]
QuantOption = Annotated[str, typer.Option("--quant", help=(
    "fp32, or int8 (pt2e, XNNPACK quantizer); default: int8 for the student on xnnpack (what a "
    "phone gets), fp32 otherwise."))]


def export_dir(profile_name: str):
    return Runs(profile_name).export


def _checkpoint(profile: Profile, cfg: ExportConfig):
    checkpoint = Runs(profile.name).checkpoint(cfg.model)
    if not checkpoint.is_file():  # before any dataset is generated for nothing
        raise InputError(f"{checkpoint}: no such checkpoint (kdoffload train / distill make it)")
    return checkpoint


def _splits(profile: Profile):
    """(train, test) demonstrations, generated first if missing."""
    test = dataset.load(ensure_dataset(profile, "test"))
    return dataset.load(ensure_dataset(profile, "train")), test


def run_export(profile: Profile, cfg: ExportConfig):
    """The checkpoint of runs/<profile>/<model>/ through export and verification."""
    checkpoint = _checkpoint(profile, cfg)
    read = exporter.read_checkpoint(profile, checkpoint, cfg.model)  # a bad checkpoint fails before any work
    train, test = _splits(profile)
    return exporter.export_checkpoint(profile, read, train, test, export_dir(profile.name), cfg)


def _refusal_is_one_line(make):
    """`make()`; an export that verification refuses ends as one line, exit code 1."""
    try:
        return make()
    except verify.ExportRefused as err:
        err_console.print(f"export refused: {err}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(1) from None


def checked_export(profile: Profile, cfg: ExportConfig):
    return _refusal_is_one_line(lambda: run_export(profile, cfg))


@user_errors
def export(profile: ProfileOption = "chain6", model: ModelOption = "student",
           backend: BackendOption = "xnnpack", quant: QuantOption = None,
           top_k: Annotated[int, typer.Option("--top-k", help="K of the verified top-K decoder.")] = TOP_K,
           force: Annotated[bool, typer.Option("--force", help="Replace an export of this build.")] = False):
    """Lower a trained network to an ExecuTorch .pte with its manifest, verified on the test set."""
    cfg = ExportConfig(model=model, backend=backend, quantization=quant or shipped_quantization(model, backend),
                       top_k=top_k)
    prof = load_profile(profile)
    with outputs.holding(Runs(prof.name).dir):
        folder = options.output_dir(export_dir(prof.name), "export folder")  # before any work
        for made in (pte_path(folder, cfg), manifest_path(folder, cfg)):
            outputs.replaceable(made, force)
        result = checked_export(prof, cfg)
    v = result.verification
    console.print(f"{result.pte}: {result.size_bytes:,} bytes; {v.test_states:,} test states, max "
                  f"|logit - eager| {v.max_abs_logit_error:.2e}, argmax agreement "
                  f"{v.argmax_agreement:.3%}, mean delay ratio argmax {v.mean_ratio_pte:.4f} (eager "
                  f"{v.mean_ratio_eager:.4f}), guarded {v.guarded_ratio_pte:.4f} (eager "
                  f"{v.guarded_ratio_eager:.4f}); {result.seconds:.1f} s", markup=False, highlight=False)
    console.print(f"{result.manifest}\n{result.floor}", markup=False, highlight=False)


def pte_engines() -> dict:
    """Engine name -> factory(profile): the exported student with each decoder.

    The `.pte` engines run the shipped export (int8); the native ones run the fp32 reference
    export's weights as a plain C++ loop. Either is exported first unless it is current.
    """

    def build(decoder: Decoder):
        def make(profile: Profile):
            cfg = ExportConfig.shipped()
            ensure_export(profile, cfg)
            return policy.exported_decider(profile, export_dir(profile.name), cfg, decoder=decoder)
        return make

    def build_native(decoder: Decoder, name: str):
        # The same student's decision path in C++ (the manifest's weights as a plain loop),
        # charged at its C++ time.
        def make(profile: Profile):
            cfg = ExportConfig()
            ensure_export(profile, cfg)
            return native.NativeDecider(profile, manifest_path(export_dir(profile.name), cfg),
                                        decoder.value, name)
        return make

    labels = {decoder: DecoderConfig(decoder).label for decoder in Decoder}
    return {**{labels[d]("student-pte"): build(d) for d in Decoder},
            **{labels[d]("student-native"): build_native(d, labels[d]("student-native")) for d in Decoder}}

bench_app = typer.Typer(no_args_is_help=True, help="Benchmarks on this machine.")


def ensure_export(profile: Profile, cfg: ExportConfig) -> None:
    """`cfg`'s export of the present checkpoint, made first unless it is current (the rule of
    `mobile_export.export.current_export`)."""
    checkpoint = Runs(profile.name).checkpoint(cfg.model)
    if not manifest_path(export_dir(profile.name), cfg).exists():
        _checkpoint(profile, cfg)  # nothing to use and nothing to make it from: say so first
    _refusal_is_one_line(lambda: exporter.current_export(
        profile, checkpoint, export_dir(profile.name), cfg, lambda: _splits(profile),
        lambda: err_console.print(f"exporting {profile.name} {cfg.stem} ...", markup=False, highlight=False)))


@bench_app.command("latency")
@user_errors
def latency(profile: ProfileOption = "chain6",
            states: Annotated[int, typer.Option(help="Test states every path decides.")] = 2000,
            oracle_states: Annotated[int, typer.Option(help="Of those, how many the oracle solves.")] = 300,
            native: Annotated[bool, typer.Option(help="Also time through kdo_bench (built if needed).")] = True,
            cpu: Annotated[int, typer.Option(help="The core everything is pinned to.")] = 0):
    """Time one decision on every path (oracle, eager, .pte in Python and C++, floor, C++ loop)."""
    for value, option in ((states, "--states"), (oracle_states, "--oracle-states")):
        if value < 1:
            raise InputError(f"{option}: must be at least 1, got {value}")
    options.cpu(cpu)
    prof = load_profile(profile)
    with outputs.holding(Runs(prof.name).dir):
        _latency(prof, states, oracle_states, native, cpu)


def _latency(prof: Profile, states: int, oracle_states: int, native: bool, cpu: int) -> None:
    test = dataset.load(ensure_dataset(prof, "test"))
    for _, cfg in latency_run.EXPORTS:
        ensure_export(prof, cfg)
    checkpoints = {m: Runs(prof.name).checkpoint(m) for m in ("student", "teacher")}
    runner = latency_native.build_runner() if native else None
    cfg = latency_run.LatencyConfig(states=states, oracle_states=oracle_states, cpu=cpu)
    out_dir = Runs(prof.name).bench
    result = latency_run.run_latency(test, latency_run.Sources(checkpoints, export_dir(prof.name)), runner, out_dir, cfg)
    console.print(latency_report.markdown(result), markup=False, highlight=False)
    console.print(f"{out_dir / 'latency.json'}\n{out_dir / 'latency.md'}\n{out_dir / 'latency.png'}",
                  markup=False, highlight=False)
