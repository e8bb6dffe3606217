"""The demo of a family profile: the one student for any graph, made and run for that family.

Under runs/<family>/, in order: certified demonstrations of the family (every state its own
graph) and the teacher and students trained on them (`graph.train`), the generalisation table on
new graphs of the family (`graph.evaluate`), the verified .pte (`graph.export`), and a stream of
the family's tasks through the graph engines and the heuristics (`simulate`). Each step is the
graph command's own job; only the sizes are the demo's, small enough for a few minutes on two
cores. A student that exists is used as it is, as in the per-profile demo; an export is made
again only when it is not of that student.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass, field

from kdoffload.jobs import graph, simulate
from kdoffload.jobs.artifacts import Refused, require
from kdoffload.jobs.engines import graph_engines
from kdoffload.jobs.reporter import Reporter
from kdoffload.model.errors import InputError
from kdoffload.model.profile import Profile, load_profile
from kdoffload.model.runs import GraphStudentLayout, Runs

ENGINES = ("graph-student", "graph-student+guarded", "graph-student-pte+guarded", "heft", "greedy", "all-local")


@dataclass(frozen=True)
class FamilySizes:
    """How much of each step: states per set, epochs, the stream."""

    train_states: int = 1500  # certified demonstrations, seed 0
    validation_states: int = 150  # seed 1: model selection
    eval_states: int = 200  # seed 2: the generalisation row
    transfer_states: int = 1500  # graphs of the training mixes only the teacher labels
    epochs: int = 4
    sweep: tuple[tuple[float, float], ...] = ((2.0, 0.5),)  # (T, alpha)
    rate: float = 0.1  # the stream's tasks/s: a daggen task of 10-16 subtasks takes seconds
    duration: float = 300.0

    @classmethod
    def full(cls) -> FamilySizes:
        return cls(train_states=8000, validation_states=400, eval_states=500, transfer_states=8000,
                   sweep=((2.0, 0.5), (4.0, 0.9)), duration=1200.0)


@dataclass(frozen=True)
class FamilyDemoJob:
    family: Profile
    sizes: FamilySizes = field(default_factory=FamilySizes)
    workers: int = 2


def run(job: FamilyDemoJob, reporter: Reporter) -> None:
    started = time.perf_counter()
    family, sizes, run_dir = job.family, job.sizes, Runs(job.family.name).dir
    layout = GraphStudentLayout(run_dir)
    plans = _plans(family, sizes)
    student = graph.StudentJob(run_dir, job.workers, train_settings=plans["train"], eval_sets=plans["eval"])
    step = _timed(reporter)
    step("demonstrations, teacher, student", lambda: require(layout.student, lambda: graph.train(student, reporter)))
    step("evaluation", lambda: graph.evaluate(student, reporter))  # as the per-profile demo: always, on kept sets
    engines = ENGINES
    try:  # made again when the student changed since (the export follows its checkpoint)
        if not graph.shipped_export_current(run_dir):
            step("export", lambda: graph.export(graph.ExportJob(run_dir, "xnnpack", None, 0), reporter))
    except Refused as refused:  # the stream then runs without the .pte engine
        reporter.show(f"{refused}; the stream runs the eager student only")
        engines = tuple(e for e in ENGINES if "-pte" not in e)
    stream = _stream(family, sizes, run_dir, engines)
    simulate.check_engines(stream)
    step("stream", lambda: simulate.run(stream, reporter))
    reporter.show(f"[dim]{family.name}: {time.perf_counter() - started:.0f} s[/dim]\n", markup=True,
                  highlight=True)


def _timed(reporter: Reporter):
    def step(what: str, work) -> None:
        began = time.perf_counter()
        try:
            work()
        finally:  # a refused export took its time too
            reporter.note(f"{what}: {time.perf_counter() - began:.0f} s")
    return step


def _plans(family: Profile, sizes: FamilySizes) -> dict:
    """The graph jobs' settings for this family: its own graphs to train, select and evaluate on."""
    from kdoffload.distill.graph_data import DemoPlan, family_spec
    from kdoffload.evaluation.graph_eval import EvalSet
    from kdoffload.model.train import TrainConfig

    params = dataclasses.asdict(family.family)
    n = params.pop("n")
    mix = ",".join(f"{k}={v:g}" for k, v in params.items() if k != "n_max" or v)
    # The plans name a family by its daggen spec, which carries the default ranges and cores.
    as_spec = load_profile(family_spec(mix, n), allow_family=True)
    if dataclasses.replace(as_spec, name=family.name) != family:
        raise InputError(f"profile {family.name}: a family demo trains on the daggen spec's own ranges "
                         f"and edge cores; give the family as {family.family.spec()}")

    def plan(states: int, seed: int):
        return DemoPlan(mixes=(mix,), sizes=((n, states),), profiles=(), seed=seed)

    train = TrainConfig(epochs=sizes.epochs, batch_size=64, lr=2e-3, patience=2, threads=1)
    settings = {"plan": plan(sizes.train_states, 0), "validation": plan(sizes.validation_states, 1),
                "transfer_states": sizes.transfer_states, "transfer_sizes": (n, family.family.largest_n),
                "sweep": sizes.sweep, "teacher_train": train,
                "student_train": dataclasses.replace(train, lr=3e-3)}
    return {"train": settings, "eval": (EvalSet(f"{family.name}, new graphs", plan(sizes.eval_states, 2)),)}


def _stream(family: Profile, sizes: FamilySizes, run_dir, engines: tuple[str, ...]) -> simulate.SimulateJob:
    from kdoffload.model import native
    from kdoffload.scheduler.engines import DecisionTime, EngineSet
    from kdoffload.scheduler.harness import SimConfig
    from kdoffload.scheduler.stream import Scenario

    if native.available():  # the C++ decision path around the .pte, and the certified optimum per task
        engines = engines + (("graph-student-native+guarded",) if "graph-student-pte+guarded" in engines else ())
        engines = engines + ("optimal-native",)
    names = EngineSet.parse(",".join(engines), {}, graph_engines(run_dir), many_graphs=True)
    sim = SimConfig(family, names, DecisionTime("measured"), Scenario())
    settings = {"profile": family.name, "policies": list(names.names), "seed": 0,
                "decision_time": "measured", "network": "static"}
    return simulate.SimulateJob(sim, Runs(family.name).sim, sizes.rate, sizes.duration, settings=settings)
