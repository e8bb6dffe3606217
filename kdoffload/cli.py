"""The `kdoffload` command: parses, calls a library function, prints. No logic lives here."""

from __future__ import annotations

from kdoffload import interrupt  # first: a Ctrl-C during the imports below is one line too

from pathlib import Path  # noqa: E402
from typing import Annotated  # noqa: E402

from kdoffload.quiet import be_verbose, silence_third_party

silence_third_party()  # before torch, torchao and executorch are first imported

import typer  # noqa: E402

from kdoffload.common import (AddressOption, ConsoleReporter, EngineOption, ProfileOption, ray_or_none,
                              say_error, user_errors)
from kdoffload.boundary import BoundaryGroup
from kdoffload.choices import Solver
from kdoffload import evaluate_cli, export_cli, options, outputs, pareto_cli, seeds_cli, simulate_cli
from kdoffload.jobs.budget import DEFAULT_REGRET_WEIGHT
from kdoffload.model.errors import InputError
from kdoffload.model.widths import parse_hidden
from kdoffload.model.runs import Runs


class KdoffloadGroup(BoundaryGroup):
    # Groups whose modules are heavy (numpy, the graph importers): listed here, imported when used.
    deferred = {"android": ("kdoffload.android.cli:android_app",
                            "Run the decision benchmark on an Android phone."),
                "graph": ("kdoffload.graph_cli:graph_app",
                          "Task graphs: import, generate, show; family demonstrations.")}


app = typer.Typer(cls=KdoffloadGroup, no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
                  # Plain help text: rich's help renderer imports markdown machinery that alone costs
                  # more than the 0.5 s a --help may take.
                  rich_markup_mode=None, context_settings={"max_content_width": 110, "terminal_width": 110},
                  help="Learned computation-offloading decisions: demonstrations to a phone.")


@app.callback()
def global_options(verbose: Annotated[bool, typer.Option(
        "--verbose", help="Also show third-party warnings and the runtime's native log lines.")] = False):
    if verbose:
        be_verbose()


@app.command()
@user_errors
def data(
    profile: ProfileOption = "chain6",
    samples: Annotated[int, typer.Option(help="How many states to draw and solve.")] = 200_000,
    seed: Annotated[int, typer.Option(help="Seed of the state draws.")] = 0,
    out: Annotated[Path, typer.Option(help="Output .npz (default runs/<profile>/data/train.npz).")] = None,
    workers: Annotated[int, typer.Option(min=1, max=256, help="Worker processes.")] = 2,
    force: Annotated[bool, typer.Option(help="Overwrite an existing output.")] = False,
    engine: EngineOption = "local",
    address: AddressOption = None,
    solver: Annotated[Solver, typer.Option(
        help="Exact solver: numpy (model/oracle.py) or native (the C++ core; same bytes). "
             "Default: native when built, else numpy.")] = None,
):
    """Generate optimal demonstrations (state -> optimal placement) for a profile."""
    from kdoffload.jobs import data as job
    from kdoffload.model.profile import load_profile

    jobs = ray_or_none(engine, address)
    prof = load_profile(profile)
    options.states_fit(options.count(samples, "--samples"), prof.n)
    options.seed(seed)
    out = options.output_file(out or Runs(prof.name).data("train"), "--out", force, ".npz")
    with outputs.holding(out):
        job.run(job.DataConfig(prof, samples, seed, out, workers, force, jobs, solver and solver.value),
                ConsoleReporter())


FullOption = Annotated[bool, typer.Option("--full", help="The larger budget (more states, epochs).")]
ResumeOption = Annotated[bool, typer.Option("--resume", help="Continue from the last checkpoint.")]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace what an earlier run made (start over).")]
EpochsOption = Annotated[int, typer.Option(help="Override the budget's epoch count.")]
SeedOption = Annotated[int, typer.Option(help="Seed of initialisation and shuffling.")]


@app.command()
@user_errors
def train(profile: ProfileOption = "chain6", full: FullOption = False, resume: ResumeOption = False,
          force: ForceOption = False, epochs: EpochsOption = None, seed: SeedOption = 0,
          regret_weight: Annotated[float, typer.Option(
              help="Weight of the expected flip-regret term (0: plain cross-entropy).")] = DEFAULT_REGRET_WEIGHT,
          augment_log_scale: Annotated[float, typer.Option(
              help="Rescale training states by the delay model's exact invariances, |log factor| up to this (0: off).")] = 0.0):
    """Train the teacher by imitation of the exact expert (demonstrations made first if missing)."""
    from kdoffload.jobs import train as job
    from kdoffload.model.profile import load_profile

    _check_training(epochs, seed)
    options.number(augment_log_scale, "--augment-log-scale", 0, 5)
    prof = load_profile(profile)
    with outputs.holding(Runs(prof.name).dir):
        outputs.replaceable(Runs(prof.name).checkpoint("teacher"), force, resume)
        job.run(job.TeacherJob(prof, full, resume, epochs, seed, _non_negative(regret_weight, "--regret-weight"),
                               augment_log_scale=_non_negative(augment_log_scale, "--augment-log-scale")),
                ConsoleReporter())


@app.command()
@user_errors
def distill(profile: ProfileOption = "chain6", full: FullOption = False, resume: ResumeOption = False,
            force: ForceOption = False, epochs: EpochsOption = None, seed: SeedOption = 0,
            transfer_samples: Annotated[int, typer.Option(
                help="Extra unlabelled states that only the teacher labels (default: the budget's).")] = None,
            temperature: Annotated[list[float], typer.Option(help="Sweep temperatures (repeatable).")] = None,
            alpha: Annotated[list[float], typer.Option(help="Sweep KD weights (repeatable).")] = None,
            regret_weight: Annotated[float, typer.Option(
                help="Weight of the expected flip-regret term (0: KD loss alone).")] = DEFAULT_REGRET_WEIGHT,
            hidden: Annotated[str, typer.Option(
                help="The student's hidden widths, like 64x64x64 (default: 96x96, the shipped student).")] = None,
            workers: Annotated[int, typer.Option(
                min=1, max=256, help="Students trained at once on this machine (one thread each; 1: in this process).")] = 2,
            engine: EngineOption = "local", address: AddressOption = None):
    """Distil the teacher into a small student: a (T, alpha) sweep chosen on validation data."""
    from kdoffload.jobs import distill as job
    from kdoffload.model.profile import load_profile

    _check_training(epochs, seed)
    widths = parse_hidden(hidden, "--hidden") if hidden is not None else None
    jobs = ray_or_none(engine, address)
    for t in temperature or []:
        options.number(t, "--temperature", 0, 1e3, open_low=True)
    for a in alpha or []:
        options.number(a, "--alpha", 0, 1)
    transfer = None if transfer_samples is None else int(_non_negative(transfer_samples, "--transfer-samples"))
    prof = load_profile(profile)
    cfg = job.StudentJob(prof, full, resume, epochs, seed, transfer, tuple(temperature or ()), tuple(alpha or ()),
                         workers, _non_negative(regret_weight, "--regret-weight"), jobs, widths)
    with outputs.holding(Runs(prof.name).dir):
        outputs.replaceable(Runs(prof.name).checkpoint("student"), force, resume)
        job.run(cfg, ConsoleReporter())


@app.command()
@user_errors
def ablation(profile: ProfileOption = "chain6", full: FullOption = False, epochs: EpochsOption = None,
             seed: Annotated[list[int], typer.Option(help="Seeds (repeatable; at least two, default 0 1 2).")] = None,
             transfer_samples: Annotated[int, typer.Option(
                 help="Unlabelled states for the transfer-set variants (default: the budget's; 0 skips them).")] = None,
             force: ForceOption = False, engine: EngineOption = "local", address: AddressOption = None):
    """KD against hard labels over seeds, and soft against hard targets on a transfer set."""
    from kdoffload.jobs import ablation as job
    from kdoffload.jobs.budget import budget
    from kdoffload.model.profile import load_profile

    jobs = ray_or_none(engine, address)
    seeds = [options.seed(s) for s in seed or [0, 1, 2]]
    _check_training(epochs, 0)
    if len(set(seeds)) < 2:
        raise InputError("--seed: give at least two distinct seeds to measure a spread")
    prof = load_profile(profile)
    if transfer_samples is None:
        transfer_samples = budget(prof, full).transfer_samples
    transfer = int(_non_negative(transfer_samples, "--transfer-samples"))
    with outputs.holding(Runs(prof.name).dir):
        outputs.replaceable(Runs(prof.name).ablation, force)
        job.run(job.AblationJob(prof, tuple(seeds), transfer, epochs, full, jobs=jobs), ConsoleReporter())


@app.command("compare-loss")
@user_errors
def compare_loss(profile: ProfileOption = "chain6", full: FullOption = False):
    """The teacher with plain cross-entropy against the regret-aware loss, on held-out states."""
    from kdoffload.jobs import compare_loss as job
    from kdoffload.model.profile import load_profile

    prof = load_profile(profile)
    with outputs.holding(Runs(prof.name).dir):
        job.run(job.CompareLossJob(prof, full), ConsoleReporter())


@app.command()
@user_errors
def demo(
    profile: Annotated[list[str], typer.Option("--profile", "-p", help="Profiles to run.")] = None,
    full: FullOption = False,
    workers: Annotated[int, typer.Option(min=1, max=256, help="Worker processes.")] = 2,
):
    """The main job: demonstrations, baselines, teacher, student, evaluation (default: chain6).

    A family (daggen:..., or a TOML naming one) runs the one student for any graph instead:
    demonstrations, teacher, student, evaluation, export and a simulated stream of its graphs.
    Every artifact an earlier run made is reused as it is; only what is missing is made."""
    from kdoffload.jobs import demo as job
    from kdoffload.jobs import demo_family
    from kdoffload.model.profile import load_profile

    loaded = tuple(load_profile(name, allow_family=True) for name in profile or ["chain6"])
    profiles = tuple(prof for prof in loaded if prof.family is None)
    families = tuple(prof for prof in loaded if prof.family is not None)
    sizes = demo_family.FamilySizes.full() if full else demo_family.FamilySizes()
    with outputs.holding(*(Runs(prof.name).dir for prof in loaded)):
        if profiles:
            job.run(job.DemoJob(profiles, full, workers), ConsoleReporter())
        for family in families:
            demo_family.run(demo_family.FamilyDemoJob(family, sizes, workers), ConsoleReporter())


def _non_negative(value, option: str):
    """A finite number >= 0 (a weight), or a count >= 0."""
    if isinstance(value, float):
        return options.number(value, option, 0, 1e6)
    return options.count(value, option, 0)


def _check_training(epochs: int | None, seed: int) -> None:
    if epochs is not None:
        options.count(epochs, "--epochs", 1, 100_000)
    options.seed(seed)


app.command("evaluate")(evaluate_cli.evaluate)
app.command("robustness")(evaluate_cli.robustness)
app.command("seeds")(seeds_cli.seeds)
app.command("simulate")(simulate_cli.simulate)
app.command("export")(export_cli.export)
app.command("pareto")(pareto_cli.pareto)
app.add_typer(export_cli.bench_app, name="bench")


def main() -> None:
    """The console script: click's usage errors (a mistyped option or value) end as one line too."""
    interrupt.entering_main()
    try:
        code = app(standalone_mode=False)  # the boundary (kdoffload.boundary) ends every command
    except (typer.Abort, KeyboardInterrupt):  # a Ctrl-C outside any command, while parsing
        interrupt.say_interrupted()
        code = 130
    except typer.TyperException as err:  # usage errors: unknown option, a value of the wrong type
        message = err.format_message() if hasattr(err, "format_message") else str(err)
        if message:  # a group called bare has printed its help: nothing is wrong to say
            say_error(message)
        code = getattr(err, "exit_code", 2)
    if code == 130:  # typer's own ending of a Ctrl-C while it parsed, outside the boundary
        interrupt.say_interrupted()
    interrupt.end_process(code if isinstance(code, int) else 0)


interrupt.imported()
