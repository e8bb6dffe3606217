"""`kdoffload export` (checkpoint -> verified .pte + manifest) and `kdoffload bench latency`."""

from __future__ import annotations

from typing import Annotated

import typer

from kdoffload import options, outputs
from kdoffload.choices import Backend, Network, Quantization
from kdoffload.common import ConsoleReporter, ProfileOption, decoder_k, user_errors
from kdoffload.model.runs import Runs

ModelOption = Annotated[Network, typer.Option(help="Which network: student or teacher.")]
BackendOption = Annotated[Backend, typer.Option(help="xnnpack (delegated) or portable (no delegate).")]
QuantOption = Annotated[Quantization, typer.Option("--quant", help=(
    "fp32, or int8 (pt2e, XNNPACK quantizer); default: int8 for the student on xnnpack (what a "
    "phone gets), fp32 otherwise."))]


@user_errors
def export(profile: ProfileOption = "chain6", model: ModelOption = Network.student,
           backend: BackendOption = Backend.xnnpack, quant: QuantOption = None,
           top_k: Annotated[int, typer.Option("--top-k", default_factory=decoder_k,
                                              help="K of the verified top-K decoder.")] = ...,
           force: Annotated[bool, typer.Option("--force", help="Replace an export of this build.")] = False):
    """Lower a trained network to an ExecuTorch .pte with its manifest, verified on the test set."""
    from kdoffload.jobs import export as job
    from kdoffload.mobile_export.config import ExportConfig, manifest_path, pte_path, shipped_quantization
    from kdoffload.model.profile import load_profile

    model, backend = model.value, backend.value
    cfg = ExportConfig(model=model, backend=backend, quantization=quant.value if quant else
                       shipped_quantization(model, backend), top_k=top_k)
    prof = load_profile(profile)
    with outputs.holding(Runs(prof.name).dir):
        folder = options.output_dir(Runs(prof.name).export, "export folder")  # before any work
        for made in (pte_path(folder, cfg), manifest_path(folder, cfg)):
            outputs.replaceable(made, force)
        job.run(job.ExportJob(prof, cfg), ConsoleReporter())


bench_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Benchmarks on this machine.")


@bench_app.command("latency")
@user_errors
def latency(profile: ProfileOption = "chain6",
            states: Annotated[int, typer.Option(min=1, help="Test states every path decides.")] = 2000,
            oracle_states: Annotated[int, typer.Option(min=1, help="Of those, how many the oracle solves.")] = 300,
            native: Annotated[bool, typer.Option(help="Also time through kdo_bench (built if needed).")] = True,
            cpu: Annotated[int, typer.Option(help="The core everything is pinned to.")] = 0):
    """Time one decision on every path (oracle, eager, .pte in Python and C++, floor, C++ loop)."""
    from kdoffload.jobs import latency as job
    from kdoffload.model.profile import load_profile

    options.cpu(cpu)
    prof = load_profile(profile)
    with outputs.holding(Runs(prof.name).dir):
        job.run(job.LatencyJob(prof, states, oracle_states, native, cpu), ConsoleReporter())
