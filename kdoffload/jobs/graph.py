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


SHIPPED_RECORD = "shipped.json"  # in the export folder: which build the rule chose, and why


def shipped_pte(run_dir: Path) -> Path:
    """The run's shipped .pte: the build `export`'s rule chose (export/shipped.json), else the
    fp32 build (the rule's default)."""
    from kdoffload.mobile_export.config import ExportConfig
    from kdoffload.mobile_export.graph_export import DEFAULT_QUANTIZATION, export_stem

    export_dir = GraphStudentLayout(run_dir).export
    name = _shipped_record(run_dir).get("pte")
    if isinstance(name, str) and "/" not in name and name.endswith(".pte"):
        return export_dir / name
    return export_dir / f"{export_stem(ExportConfig(quantization=DEFAULT_QUANTIZATION))}.pte"


def shipped_quantization(run_dir: Path) -> str:
    """fp32 or int8: the build the run's export rule chose (export/shipped.json), else the rule's
    default. What a phone gets when the user names no --quant."""
    from kdoffload.mobile_export.graph_export import DEFAULT_QUANTIZATION

    quant = _shipped_record(run_dir).get("quantization")
    return quant if quant in ("fp32", "int8") else DEFAULT_QUANTIZATION


def _shipped_record(run_dir: Path) -> dict:
    import json

    try:
        record = json.loads((GraphStudentLayout(run_dir).export / SHIPPED_RECORD).read_text())
    except (OSError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


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


RULE_ROUNDS, RULE_CALLS = 3, 3000  # the rule's native timing: fp32 and int8 in turn, median p50


def _export_build(job: ExportJob, quantization: str, reporter: Reporter):
    from kdoffload.distill.graph_model import load_graph_net
    from kdoffload.mobile_export.config import ExportConfig
    from kdoffload.mobile_export.graph_export import export_graph_student
    from kdoffload.mobile_export.manifest import file_record
    from kdoffload.mobile_export.verify import ExportRefused

    cfg = ExportConfig(model="student", backend=job.backend, quantization=quantization)
    path = GraphStudentLayout(job.run_dir).student
    checkpoint = load_graph_net(path, "graph-student")
    try:
        result = export_graph_student(checkpoint, GraphStudentLayout(job.run_dir).export, cfg,
                                      file_record(path.name, path.read_bytes()))
    except ExportRefused as refused:
        raise Refused(f"export refused: {refused}") from None
    sizes = result.verification["sizes"]
    reporter.show(f"{result.pte}: {result.size_bytes:,} bytes, verified on {result.verification['states']} "
                  f"states (N {sizes[0]}-{sizes[1]})")
    return result


def _native_p50s(ptes: dict[str, Path]) -> dict[str, float | None]:
    """Each build's native forward p50 (µs): the median over RULE_ROUNDS rounds that time the
    builds in turn, so both see the same load; None for all where kdo_bench is not built."""
    import statistics

    from kdoffload.evaluation.graph_latency import native_forward_times_us

    p50s: dict[str, list[float]] = {q: [] for q in ptes}
    for _ in range(RULE_ROUNDS):
        for quantization, pte in ptes.items():
            try:
                timed = native_forward_times_us(pte, RULE_CALLS)
            except RuntimeError as err:
                raise Refused(str(err)) from None
            if timed is None:
                return {q: None for q in ptes}
            p50s[quantization].append(timed["p50_us"])
    return {q: statistics.median(v) for q, v in p50s.items()}


def export(job: ExportJob, reporter: Reporter) -> Path:
    """The run's selected student to verified .pte files (inputs padded to 64) and manifests.

    With a quantization given, that build alone (the shipped choice is left as it was). Without
    one, on XNNPACK: fp32 and int8, each timed natively, and the rule of
    `graph_export.choose_quantization` picks the shipped one (recorded in export/shipped.json);
    on the portable backend: fp32."""
    import json

    from kdoffload.mobile_export.graph_export import choose_quantization
    from kdoffload.model.io import atomic_write_json

    if job.quantization is not None or job.backend != "xnnpack":
        pte = _export_build(job, job.quantization or "fp32", reporter).pte
    else:
        results = {"fp32": _export_build(job, "fp32", reporter)}
        try:
            results["int8"] = _export_build(job, "int8", reporter)
        except Refused as refused:
            reporter.show(f"int8: {refused}")
        p50s = _native_p50s({q: r.pte for q, r in results.items()})
        builds = {q: {"pte": r.pte.name, "pte_bytes": r.size_bytes, "p50_us": p50s[q]} for q, r in results.items()}
        choice, reason = choose_quantization(builds)
        pte = results[choice].pte
        atomic_write_json(GraphStudentLayout(job.run_dir).export / SHIPPED_RECORD,
                          {"pte": pte.name, "quantization": choice, "reason": reason, "builds": builds,
                           "timing": {"rounds": RULE_ROUNDS, "calls": RULE_CALLS}})
        reporter.show(f"shipped: {pte.name} ({reason}); builds {json.dumps(builds)}")
    if job.time_n:
        from kdoffload.evaluation.graph_latency import forward_times_us, native_forward_times_us

        student = GraphStudentLayout(job.run_dir).student
        times = forward_times_us(pte, student, job.time_n)
        reporter.show(f"forward at N = {job.time_n} (Python runtime, binding included): p50 "
                      f"{times['p50_us']:.1f} µs, p99 {times['p99_us']:.1f} µs over {times['calls']} calls")
        native_times = native_forward_times_us(pte)
        if native_times is not None:  # the same program whatever N: every call computes 64 rows
            reporter.show(f"forward natively (kdo_bench, one thread, inputs padded to 64): p50 "
                          f"{native_times['p50_us']:.1f} µs, p99 {native_times['p99_us']:.1f} µs over "
                          f"{native_times['calls']} calls")
    return pte
