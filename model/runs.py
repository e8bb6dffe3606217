"""Where a profile's artifacts live: the one owner of the `runs/<profile>/` layout.

No other module builds these paths; each asks `Runs` for the artifact it means.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# Learned networks by the name reports and engines use -> their folder under runs/<profile>/.
NETWORKS = {"teacher": "teacher", "student": "student", "student-nokd": "student/nokd"}
# Networks of one training seed (`kdoffload seeds`) -> their folder under the seed's folder. A
# student distilled from the main teacher is kept apart from one distilled from its seed's teacher.
SEED_NETWORKS = {"teacher": "teacher", "student": "student", "student-fixed-teacher": "student-fixed-teacher"}


@dataclass(frozen=True)
class Runs:
    profile: str
    root: Path = Path("runs")

    @property
    def dir(self) -> Path:
        return self.root / self.profile

    def data(self, split: str) -> Path:
        """A demonstration split: train, val, test, shifted."""
        return self.dir / "data" / f"{split}.npz"

    def network_dir(self, network: str) -> Path:
        return self.dir / NETWORKS[network]

    def checkpoint(self, network: str) -> Path:
        return self.network_dir(network) / "checkpoint.pt"

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
    def sim(self) -> Path:
        return self.dir / "sim"

    @property
    def pareto(self) -> Path:
        """The student size sweep: one folder of checkpoint and exports per candidate."""
        return self.dir / "pareto"

    @property
    def ablation(self) -> Path:
        return self.dir / "ablation"

    def loss_compare(self, regret_weight: float) -> Path:
        return self.dir / "loss_compare" / f"regret{regret_weight:g}"

    def seed_dir(self, seed: int) -> Path:
        """The networks `kdoffload seeds` trained with this seed."""
        return self.dir / "seeds" / f"seed{seed}"

    def seed_checkpoint(self, seed: int, network: str) -> Path:
        return self.seed_dir(seed) / SEED_NETWORKS[network] / "checkpoint.pt"

    @property
    def sweep_file(self) -> Path:
        return self.network_dir("student") / "sweep.json"
