"""Certified optima at any size: the anytime exact solve, its lower bound, gap and certificate.

Up to N = 12 the numpy exhaustive search is exact on its own; beyond it (and faster below) the
native branch and bound searches under a per-state budget and says, per state, whether it
finished. A finished search is certified: its label is x* with the lexicographic tie rule, the
same as every exact solver here. An unfinished one returns the best placement it found and the
least bound of what it left, so the gap (T - bound) / T says how far from optimal it can be.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from kdoffload.model import native, oracle
from kdoffload.model.errors import InputError
from kdoffload.model.profile import NUMPY_EXHAUSTIVE_MAX, Profile
from kdoffload.model.states import States


@dataclass(frozen=True)
class Budget:
    """Search allowed per state; 0 means no limit. Nodes, not seconds, by default: a node
    budget certifies the same states on every machine, so a dataset is the same bytes."""

    max_nodes: int = 2_000_000
    max_seconds: float = 0.0


DEFAULT_BUDGET = Budget()


@dataclass
class Solution:
    """Per state: the placement found [S, N] int8, its T [S], a lower bound on T* [S], whether
    it is certified optimal [S] bool, and the search nodes it took [S]."""

    labels: np.ndarray
    delay: np.ndarray
    lower_bound: np.ndarray
    certified: np.ndarray
    nodes: np.ndarray

    @property
    def gap(self) -> np.ndarray:
        """(T - lower bound) / T per state: 0 where certified."""
        return np.where(self.certified, 0.0, (self.delay - self.lower_bound) / self.delay)


def _exact(labels: np.ndarray, optimal: np.ndarray) -> Solution:
    return Solution(labels, optimal, optimal.copy(), np.ones(len(optimal), dtype=bool),
                    np.zeros(len(optimal), dtype=np.uint64))


def solve_certified(profile: Profile, states: States, budget: Budget = DEFAULT_BUDGET,
                    solver: str = "native", site_order=None, incumbent=None) -> Solution:
    """The certified solve with `solver` "native" (branch and bound under `budget`) or "numpy"
    (the chain DP or the exhaustive search: always certified, N <= 12 off chains).

    The native search takes optional hints that change its speed, never its labels: `site_order`
    [S, N, 3] int8, each subtask's sites in the order to branch on (say, a learned policy's
    ranking), and `incumbent` [S, N] int8, a placement to start from."""
    if solver == "native":
        return Solution(*native.solve_certified(profile, states, budget.max_nodes, budget.max_seconds,
                                                site_order, incumbent))
    if solver != "numpy":
        raise InputError(f"solver: {solver!r} is not native or numpy")
    if not profile.is_chain and profile.n > NUMPY_EXHAUSTIVE_MAX:
        raise InputError(f"profile {profile.name}: {profile.n} subtasks, more than numpy's exhaustive "
                         f"search handles ({NUMPY_EXHAUSTIVE_MAX}); use the native solver")
    return _exact(*oracle.solve(profile, states))
