"""Where a profile's artifacts live: the one owner of the `runs/<profile>/` layout.

No other module builds these paths; each asks `Runs` (or, for a trainer handed a folder, the
layouts below) for the artifact it means. tests/model/test_runs_owner.py holds the tree to it.
What a writer names its own files inside the folder it is given (report/quality.json) is the
writer's; the folders, checkpoints and any file another module reads are named here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kdoffload.model.widths import hidden_name

ROOT = Path("runs")                   # relative: a run's artifacts live where it is started
CHECKPOINT = "checkpoint.pt"          # a trained network's file, in its folder
EMULATED_PHONE = ROOT / "emulated_phone"  # the storage of `kdoffload android emulate`
GRAPH_STUDENT = ROOT / "graph-student"  # the one student for any graph (`kdoffload graph train`)

# Learned networks by the name reports and engines use -> their folder under runs/<profile>/.
NOKD = "nokd"  # the hard-label ablation, inside the student's folder
NETWORKS = {"teacher": "teacher", "student": "student", "student-nokd": f"student/{NOKD}"}
# Which kind of checkpoint each holds (model.checkpoint checks it when loading).
KINDS = {"teacher": "teacher", "student": "student", "student-nokd": "student"}
# Networks of one training seed (`kdoffload seeds`) -> their folder under the seed's folder. A
# student distilled from the main teacher is kept apart from one distilled from its seed's teacher.
SEED_NETWORKS = {"teacher": "teacher", "student": "student", "student-fixed-teacher": "student-fixed-teacher"}


@dataclass(frozen=True)
class Runs:
    profile: str
    root: Path = ROOT

    @property
    def dir(self) -> Path:
        return self.root / self.profile

    def data(self, split: str) -> Path:
        """A demonstration split: train, val, test, shifted."""
        return self.dir / "data" / f"{split}.npz"

    def network_dir(self, network: str) -> Path:
        return self.dir / NETWORKS[network]

    def checkpoint(self, network: str) -> Path:
        return checkpoint_in(self.network_dir(network))

    @property
    def student(self) -> StudentLayout:
        return StudentLayout(self.network_dir("student"))

    @property
    def export(self) -> Path:
        return self.dir / "export"

    @property
    def report(self) -> Path:
        return self.dir / "report"

    @property
    def bench(self) -> Path:
        return self.dir / "bench"

    @property
    def phone_states(self) -> Path:
        """The benchmark states pushed to a phone beside the model."""
        return self.dir / "android" / "bench_states.json"

    @property
    def phone_graph(self) -> Path:
        """The task graph pushed to a phone beside the graph student (its JSON, for the app)."""
        return self.dir / "android" / "task_graph.json"

    @property
    def sim(self) -> Path:
        return self.dir / "sim"

    @property
    def pareto(self) -> ParetoLayout:
        """The student size sweep: one folder of checkpoint and exports per candidate."""
        return ParetoLayout(self.dir / "pareto")

    @property
    def ablation(self) -> Path:
        return self.dir / "ablation"

    def loss_compare(self, regret_weight: float) -> Path:
        return self.dir / "loss_compare" / f"regret{regret_weight:g}"

    def seed_dir(self, seed: int) -> Path:
        """The networks `kdoffload seeds` trained with this seed."""
        return self.dir / "seeds" / f"seed{seed}"

    def seed_checkpoint(self, seed: int, network: str) -> Path:
        return checkpoint_in(self.seed_dir(seed) / SEED_NETWORKS[network])

    @property
    def sweep_file(self) -> Path:
        return self.student.summary


def checkpoint_in(folder: Path, member: str | None = None) -> Path:
    """The checkpoint a trainer writes into `folder` (or into its `member` subfolder)."""
    folder = Path(folder)
    return (folder / member if member else folder) / CHECKPOINT


@dataclass(frozen=True)
class StudentLayout:
    """The student's folder: the selected student, the hard-label ablation, the (T, alpha) sweep."""

    root: Path

    @property
    def checkpoint(self) -> Path:
        return checkpoint_in(self.root)

    @property
    def nokd(self) -> Path:
        return checkpoint_in(self.root / NOKD)

    def member(self, temperature: float, alpha: float) -> Path:
        return checkpoint_in(self.root / "sweep", f"T{temperature:g}_a{alpha:g}")

    @property
    def summary(self) -> Path:
        """The sweep's scores and selection (sweep.json)."""
        return self.root / "sweep.json"


@dataclass(frozen=True)
class ParetoLayout:
    """The size sweep's folder: a checkpoint and an export folder per candidate's hidden widths."""

    root: Path

    def checkpoint(self, hidden: tuple[int, ...]) -> Path:
        return checkpoint_in(self.root, hidden_name(hidden))

    def export_dir(self, hidden: tuple[int, ...]) -> Path:
        return self.root / hidden_name(hidden) / "export"


@dataclass(frozen=True)
class GraphStudentLayout:
    """A graph student's folder (default GRAPH_STUDENT): its demonstrations, networks, export."""

    dir: Path

    @property
    def data(self) -> Path:
        return self.dir / "data"

    @property
    def student(self) -> Path:
        """The selected student's checkpoint."""
        return self.dir / "student.pt"

    @property
    def export(self) -> Path:
        return self.dir / "export"
