"""`kdoffload graph`: task graphs as files: import one, generate one of a family, show one, and
make demonstrations of a family profile (each state its own graph)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from kdoffload import options, outputs
from kdoffload.common import (AddressOption, ConsoleReporter, EngineOption, console, ray_or_none,
                              user_errors)
from kdoffload.model import daggen, graphs
from kdoffload.model.errors import InputError
from kdoffload.model.exact import DEFAULT_BUDGET
from kdoffload.model.graph_import import DOT_CYCLES_PER_BYTE, import_graph
from kdoffload.model.profile import load_graph, load_profile
from kdoffload.model.runs import GRAPH_STUDENT

graph_app = typer.Typer(no_args_is_help=True, rich_markup_mode=None, help="Task graphs: import, generate, show; family demonstrations.")

OutOption = Annotated[Path, typer.Option("--out", help="The graph file (TOML) to write.")]
ForceOption = Annotated[bool, typer.Option(help="Overwrite an existing output.")]


def _write(path: Path, graph: graphs.TaskGraph, comment: str, force: bool) -> None:
    path = options.output_file(path, "--out", force, ".toml")
    with outputs.holding(path):
        graphs.write_graph(options.output_file(path, "--out", force, ".toml"), graph, comment)
    console.print(f"{path}: {graph.n} subtasks, {len(graph.edges)} edges")


@graph_app.command("import")
@user_errors
def import_(
    file: Annotated[Path, typer.Argument(help="A Graphviz DOT (.gv, .dot; MRLCO's attributes) or WfFormat (.json) file.")],
    out: OutOption,
    cycles_per_byte: Annotated[float, typer.Option(
        help="DOT: cycles per byte of a node's size (default: MRLCO's device at the reference clock).")] = DOT_CYCLES_PER_BYTE,
    clock: Annotated[float, typer.Option(
        help="WfFormat: clock (Hz) of a task whose machine gives no speed.")] = daggen.REFERENCE_CLOCK,
    max_subtasks: Annotated[int, typer.Option(
        min=1, max=graphs.MAX_SUBTASKS,
        help="Merge tasks until at most this many remain (docs/graphs.md; default: refuse more than 64).")] = None,
    force: ForceOption = False,
):
    """Import a task graph into kdoffload's graph file (docs/graphs.md says how fields map)."""
    options.number(cycles_per_byte, "--cycles-per-byte", 0, 1e12, open_low=True)
    options.number(clock, "--clock", 0, 1e13, open_low=True)
    notes: list[str] = []
    graph = import_graph(file, cycles_per_byte, clock, notes, max_subtasks)
    merged = [n for n in notes if n.startswith("merged ")]  # one comment line per merged subtask
    said = [n for n in notes if not n.startswith("merged ")]
    _write(out, graph, "\n".join(["; ".join([f"imported from {file.name}"] + said)] + merged), force)
    for note in said:
        console.print(f"note: {note}", highlight=False, markup=False)


@graph_app.command()
@user_errors
def generate(
    spec: Annotated[str, typer.Argument(help="daggen:n=30,fat=0.7,density=0.6,regularity=0.7,jump=1,ccr=0.5,...")],
    out: OutOption,
    seed: Annotated[int, typer.Option(help="Seed of the graph draw (a seed=K in the spec wins).")] = 0,
    force: ForceOption = False,
):
    """Draw one graph of a daggen family and write it as a graph file."""
    params, spec_seed = daggen.parse_spec(spec)
    seed = options.seed(seed if spec_seed is None else spec_seed)
    graph = daggen.generate(params, np.random.default_rng(seed))
    _write(out, graph, f"{params.spec()},seed={seed}", force)


@graph_app.command()
@user_errors
def show(source: Annotated[str, typer.Argument(help="A graph file, or a profile (name, TOML, daggen:...,seed=K).")]):
    """Print a graph's size, shape and nominal workload."""
    for key, value in graphs.summary(load_graph(source)).items():
        console.print(f"{key}: {value:g}" if isinstance(value, float) else f"{key}: {value}",
                      highlight=False, markup=False)


@graph_app.command()
@user_errors
def demos(
    profile: Annotated[str, typer.Option("--profile", "-p", help="A family: daggen:n=...,... (no seed) or a TOML with [family].")],
    out: Annotated[Path, typer.Option(help="Output .npz.")],
    samples: Annotated[int, typer.Option(help="How many states (each with its own graph).")] = 1000,
    seed: Annotated[int, typer.Option(help="Seed of the graph and state draws.")] = 0,
    workers: Annotated[int, typer.Option(help="Worker processes.")] = 2,
    solver: Annotated[str, typer.Option(help="Exact solver: numpy or native (default: native when built).")] = None,
    max_nodes: Annotated[int, typer.Option(help="Node budget of each state's certified solve (native; 0: none).")] = DEFAULT_BUDGET.max_nodes,
    force: ForceOption = False,
    engine: EngineOption = "local",
    address: AddressOption = None,
):
    """Optimal demonstrations of a family profile, one graph per state (docs/formats.md)."""
    from kdoffload.jobs import graph as job

    jobs = ray_or_none(engine, address)
    family = load_profile(profile, allow_family=True)
    options.states_fit(options.count(samples, "--samples"), graphs.MAX_SUBTASKS)  # padded to 64
    options.seed(seed)
    options.count(workers, "--workers", 1, 256)
    options.count(max_nodes, "--max-nodes", 0)
    out = options.output_file(out, "--out", force, ".npz")
    with outputs.holding(out):  # a second run on the same --out is refused, not interleaved
        out = options.output_file(out, "--out", force, ".npz")  # again: it may have finished meanwhile
        job.demos(job.DemosJob(family, out, samples, seed, workers, solver, max_nodes, jobs),
                  ConsoleReporter())


RunOption = Annotated[Path, typer.Option("--run", help="The graph student's folder (data, checkpoints, tables).")]
DEFAULT_RUN = GRAPH_STUDENT


@graph_app.command()
@user_errors
def train(
    run: RunOption = DEFAULT_RUN,
    workers: Annotated[int, typer.Option(help="Worker processes for the demonstrations.")] = 1,
    solver: Annotated[str, typer.Option(help="Exact solver: numpy or native (default: native when built).")] = None,
    student_width: Annotated[int, typer.Option(min=1, max=4096, help="The student's width (every subtask's state); default: the shipped student's.")] = None,
    student_rounds: Annotated[int, typer.Option(min=0, max=32, help="The student's rounds of message passing; default: the shipped student's.")] = None,
    teacher: Annotated[Path, typer.Option(help="A trained graph teacher (teacher.pt) to distil from instead of training one.")] = None,
):
    """Train the one student for any graph: demonstrations, teacher, (T, alpha) sweep (docs/graphs.md)."""
    from kdoffload.jobs import graph as job

    options.count(workers, "--workers", 1, 256)
    if teacher is not None and not teacher.is_file():
        raise InputError(f"--teacher {teacher}: no such file")
    options.output_dir(run, "--run")  # before any work: the run writes its data and networks there
    job.train(job.StudentJob(run, workers, solver, student_width=student_width, student_rounds=student_rounds,
                             teacher_checkpoint=teacher), ConsoleReporter())


@graph_app.command()
@user_errors
def evaluate(
    run: RunOption = DEFAULT_RUN,
    solver: Annotated[str, typer.Option(help="Exact solver: numpy or native (default: native when built).")] = None,
):
    """The generalisation table: held-out families, N = 40 and 50, chain6 and dag10 (T/T*, certified states)."""
    from kdoffload.jobs import graph as job

    job.evaluate(job.StudentJob(run, solver=solver), ConsoleReporter())


@graph_app.command("export")
@user_errors
def export_(
    run: RunOption = DEFAULT_RUN,
    backend: Annotated[str, typer.Option(help="xnnpack (delegated) or portable (no delegate).")] = "xnnpack",
    quant: Annotated[str, typer.Option("--quant", help="fp32 or int8 (that build alone); default on xnnpack: both, and int8 ships only if smaller and natively not slower (else fp32).")] = None,
    time_n: Annotated[int, typer.Option("--time-n", help="Then time the forward pass on graphs of this size (0: not).")] = 50,
):
    """The selected graph student to a verified .pte (inputs padded to 64) and its manifest; the shipped build is recorded in export/shipped.json."""
    from kdoffload.jobs import graph as job

    options.count(time_n, "--time-n", 0, 64)
    job.export(job.ExportJob(run, backend, quant, time_n), ConsoleReporter())
