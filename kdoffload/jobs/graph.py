"""The graph jobs: a family's certified demonstrations, and the one student for any graph
(train, evaluate, export). The training and evaluation themselves live in
`kdoffload.distill.graph_train` and `kdoffload.evaluation.graph_eval`; a job runs one and says
what it made."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kdoffload.jobs.artifacts import Refused
from kdoffload.jobs.reporter import Reporter
from kdoffload.model.parallel import JobMap
from kdoffload.model.profile import Profile
from kdoffload.model.runs import GraphStudentLayout


def _solver(solver: str | None) -> str:
    from kdoffload.model.dataset import default_solver

    return solver or default_solver()


@dataclass(frozen=True)
class DemosJob:
    family: Profile
    out: Path
    samples: int
    seed: int
    workers: int
    solver: str | None  # None: native when built
    max_nodes: int
    jobs: JobMap | None = None  # a Ray JobMap, or None for the local pool


def demos(job: DemosJob, reporter: Reporter) -> Path:
    """Certified demonstrations of a family profile, one graph per state."""
    from kdoffload.model.graph_family import certified_share, generate_family

    path = generate_family(job.family, job.samples, job.seed, job.out, job.workers, job.jobs,
                           _solver(job.solver), job.max_nodes)
    reporter.show(f"{path}: {job.samples} states of {job.family.name}, {certified_share(path):.1%} certified")
    return path


@dataclass(frozen=True)
class StudentJob:
    run_dir: Path
    workers: int = 1
    solver: str | None = None  # None: native when built
    # What to train and evaluate on instead of the defaults (a family's demo): GraphTrainConfig
    # fields by name, and GraphEvalConfig's sets.
    train_settings: dict = field(default_factory=dict)
    eval_sets: tuple = ()
    # The student's size (None: the shipped student's), and a trained teacher to distil from.
    student_width: int | None = None
    student_rounds: int | None = None
    teacher_checkpoint: Path | None = None


def train(job: StudentJob, reporter: Reporter) -> Path:
    """Demonstrations, teacher, (T, alpha) sweep: the selected graph student."""
    from kdoffload.distill.graph_model import STUDENT, GraphNetConfig
    from kdoffload.distill.graph_train import GraphTrainConfig, run

    settings = dict(job.train_settings)
    if job.student_width is not None or job.student_rounds is not None:
        settings["student"] = GraphNetConfig(job.student_width or STUDENT.hidden,
                                             STUDENT.rounds if job.student_rounds is None else job.student_rounds)
    if job.teacher_checkpoint is not None:
        settings["teacher_checkpoint"] = job.teacher_checkpoint
    cfg = GraphTrainConfig(out_dir=job.run_dir, workers=job.workers, solver=_solver(job.solver), **settings)
    path = run(cfg, log=reporter.show)
    reporter.show(f"{path}: the selected student")
    return path


def evaluate(job: StudentJob, reporter: Reporter) -> Path:
    """The generalisation table of the run's student."""
    from kdoffload.evaluation.graph_eval import GraphEvalConfig, run

    sets = {"sets": job.eval_sets} if job.eval_sets else {}
    path = run(GraphEvalConfig(run_dir=job.run_dir, solver=_solver(job.solver), **sets), log=reporter.show)
    reporter.show(path.read_text())
    reporter.show(f"{path}")
    return path


@dataclass(frozen=True)
class ExportJob:
    run_dir: Path
    backend: str
    quantization: str | None  # None: the exporter's rule for the backend
    time_n: int  # then time the forward pass on graphs of this size (0: not)


def shipped_pte(run_dir: Path) -> Path:
    """Where `export` writes the run's .pte under the exporter's rule (int8 on XNNPACK)."""
    from kdoffload.mobile_export.config import ExportConfig
    from kdoffload.mobile_export.graph_export import export_stem

    return GraphStudentLayout(run_dir).export / f"{export_stem(ExportConfig.shipped())}.pte"


def shipped_export_current(run_dir: Path) -> bool:
    """Whether the run's shipped export was made from its student as it is now: the manifest
    beside the .pte names the checkpoint's sha256 (a missing or torn manifest is not current)."""
    import hashlib
    import json

    pte, student = shipped_pte(run_dir), GraphStudentLayout(run_dir).student
    manifest = pte.with_name(pte.name.removesuffix(".pte") + ".manifest.json")
    if not (pte.exists() and manifest.exists() and student.exists()):
        return False
    try:
        made_from = json.loads(manifest.read_text())["export"]["checkpoint"]["sha256"]
    except (ValueError, KeyError, TypeError):
        return False
    return made_from == hashlib.sha256(student.read_bytes()).hexdigest()


def export(job: ExportJob, reporter: Reporter) -> Path:
    """The run's selected student to one verified .pte (inputs padded to 64) and its manifest."""
    from kdoffload.distill.graph_model import load_graph_net
    from kdoffload.mobile_export.config import ExportConfig, shipped_quantization
    from kdoffload.mobile_export.graph_export import export_graph_student
    from kdoffload.mobile_export.manifest import file_record
    from kdoffload.mobile_export.verify import ExportRefused

    cfg = ExportConfig(model="student", backend=job.backend,
                       quantization=job.quantization or shipped_quantization("student", job.backend))
    layout = GraphStudentLayout(job.run_dir)
    path = layout.student
    checkpoint = load_graph_net(path, "graph-student")
    try:
        result = export_graph_student(checkpoint, layout.export, cfg,
                                      file_record(path.name, path.read_bytes()))
    except ExportRefused as refused:
        raise Refused(f"export refused: {refused}") from None
    sizes = result.verification["sizes"]
    reporter.show(f"{result.pte}: {result.size_bytes:,} bytes, verified on {result.verification['states']} "
                  f"states (N {sizes[0]}-{sizes[1]})")
    if job.time_n:
        from kdoffload.evaluation.graph_latency import forward_times_us, native_forward_times_us

        times = forward_times_us(result.pte, path, job.time_n)
        reporter.show(f"forward at N = {job.time_n} (Python runtime, binding included): p50 "
                      f"{times['p50_us']:.1f} µs, p99 {times['p99_us']:.1f} µs over {times['calls']} calls")
        native_times = native_forward_times_us(result.pte)
        if native_times is not None:  # the same program whatever N: every call computes 64 rows
            reporter.show(f"forward natively (kdo_bench, one thread, inputs padded to 64): p50 "
                          f"{native_times['p50_us']:.1f} µs, p99 {native_times['p99_us']:.1f} µs over "
                          f"{native_times['calls']} calls")
    return result.pte
