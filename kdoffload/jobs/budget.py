"""How much each job does by default: state counts and epochs per profile, and the loss weight.

Imported by the CLI for its defaults, so it stays light (no numpy, no torch).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kdoffload.model.profile import Profile

# Chosen on validation data: the expected-flip-regret term lowers the teacher's mean delay ratio
# (docs/results.md), so it is on by default; 0 gives the plain per-subtask cross-entropy.
DEFAULT_REGRET_WEIGHT = 1.0


@dataclass(frozen=True)
class Budget:
    train_samples: int
    test_samples: int
    teacher_epochs: int
    student_epochs: int
    transfer_samples: int  # unlabelled states the teacher labels for the student (cheap: no oracle)


# `default` keeps `make demo` on chain6 under 15 minutes on two cores; `full` is the larger run.
BUDGETS = {
    "default": {"chain6": Budget(200_000, 20_000, 30, 40, 200_000),
                "dag10": Budget(60_000, 2_000, 60, 40, 200_000)},
    "full": {"chain6": Budget(1_000_000, 50_000, 60, 60, 1_000_000),
             "dag10": Budget(1_000_000, 5_000, 40, 25, 1_000_000)},
}


def budget(profile: Profile, full: bool = False) -> Budget:
    table = BUDGETS["full" if full else "default"]
    return table.get(profile.name, table["chain6" if profile.n <= 8 else "dag10"])
