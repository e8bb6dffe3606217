"""From per-subtask logits to a placement: argmax, verified top-K and guarded (docs/formats.md).

Verified top-K (beyond the paper): the K most probable placements under the product of the
per-subtask softmax distributions, plus all-local, are each scored with the delay model and the
fastest is kept (ties to the lexicographically smallest). Since all-local is always a candidate,
a decision is never worse than running everything on the phone, and never worse than argmax,
which is the most probable placement and so always the first candidate.

Guarded (beyond the paper): the K most probable placements plus the greedy placement and the
three single-site placements, scored the same way. Its candidate set contains every placement
greedy or a single-site policy would choose, so on any state it is never worse than any of them:
a phone that leaves the training ranges falls back to the simple rules, not below them.

Both score their candidates with the delay model from an idle phone, or, given `busy` (per
state the seconds of work already queued on the phone's core, uplink and downlink: an
observation's backlogs), from those queues: every candidate then starts behind the work the
phone has already committed, as the stream will run it.
"""

from __future__ import annotations

import numpy as np

from kdoffload.model.delay import delays
from kdoffload.model.policies import Greedy
from kdoffload.model.profile import CLOUD, DEVICE, EDGE, Profile
from kdoffload.model.states import States

SINGLE_SITES = (DEVICE, EDGE, CLOUD)


def argmax_placements(logits: np.ndarray) -> np.ndarray:
    """logits [B, N, 3] -> placements [B, N] int8."""
    return np.argmax(logits, axis=-1).astype(np.int8)


def log_softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def topk_placements(logits: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """The k most probable placements, most probable first: ([B, k, N] int8, log-probs [B, k]).

    A beam of width k over the subtasks is exact here: the terms are independent, so a prefix
    outside the best k prefixes has k better prefixes that complete with the same suffix.
    Equal scores keep the earlier beam entry, then the lower site.
    """
    logp = log_softmax(np.asarray(logits, dtype=np.float64))
    batch, n, _ = logp.shape
    k = min(k, 3**n)
    scores = np.zeros((batch, 1))
    choices = np.zeros((batch, 1, 0), dtype=np.int8)
    for i in range(n):
        expanded = (scores[:, :, None] + logp[:, i, None, :]).reshape(batch, -1)
        keep = np.argsort(-expanded, axis=1, kind="stable")[:, :k]
        parent, site = np.divmod(keep, 3)
        scores = np.take_along_axis(expanded, keep, axis=1)
        choices = np.concatenate([np.take_along_axis(choices, parent[:, :, None], axis=1),
                                  site[:, :, None].astype(np.int8)], axis=2)
    return choices, scores


def fastest(profile: Profile, states: States, candidates: np.ndarray,
            busy: np.ndarray | None = None) -> np.ndarray:
    """The fastest candidate of each state, ties to the lexicographically smallest.

    candidates [B, C, N] int8 -> [B, N] int8, scored by the delay model (from the queues
    `busy` [B, 3] where given: `model.delay.delays`).
    """
    batch, width, n = candidates.shape
    rows = np.repeat(np.arange(batch), width)
    lanes_busy = None if busy is None else np.asarray(busy)[rows]
    cost = delays(profile, states[rows], candidates.reshape(-1, n), lanes_busy).reshape(batch, width)
    tied_best = cost == cost.min(axis=1, keepdims=True)
    return candidates[np.arange(batch), first_smallest(candidates, tied_best)]


def first_smallest(candidates: np.ndarray, alive: np.ndarray) -> np.ndarray:
    """Per row, the index of the lexicographically smallest placement among the `alive` ones.

    candidates [B, C, N], alive [B, C] bool (at least one per row) -> [B] int. Column by column
    rather than one packed base-3 code: 3^N overflows int64 from N = 40 on.
    """
    alive = alive.copy()
    for column in np.moveaxis(candidates, 2, 0):
        site = np.where(alive, column, np.iinfo(column.dtype).max)
        alive &= site == site.min(axis=1, keepdims=True)
    return np.argmax(alive, axis=1)


def single_site_candidates(batch: int, n: int, sites=SINGLE_SITES) -> np.ndarray:
    """[B, len(sites), N] int8: every subtask on one site, for each site."""
    return np.broadcast_to(np.asarray(sites, dtype=np.int8)[None, :, None], (batch, len(sites), n))


def verified_topk(profile: Profile, states: States, logits: np.ndarray, k: int,
                  busy: np.ndarray | None = None) -> np.ndarray:
    """The fastest of the k most probable placements and all-local: [B, N] int8."""
    candidates, _ = topk_placements(logits, k)
    local = single_site_candidates(len(candidates), profile.n, (DEVICE,))
    return fastest(profile, states, np.concatenate([candidates, local], axis=1), busy)


def guarded(profile: Profile, states: States, logits: np.ndarray, k: int,
            greedy: np.ndarray | None = None, busy: np.ndarray | None = None) -> np.ndarray:
    """The fastest of the k most probable, the greedy and the three single-site placements.

    `greedy` [B, N] may be passed when already known; it is computed otherwise.
    """
    candidates, _ = topk_placements(logits, k)
    if greedy is None:
        greedy = Greedy(profile).decide(states)
    singles = single_site_candidates(len(candidates), profile.n)
    return fastest(profile, states,
                   np.concatenate([candidates, greedy[:, None, :].astype(np.int8), singles], axis=1), busy)


def guarded_with_support(profile: Profile, states: States, logits: np.ndarray, k: int, wide_k: int,
                         out_of_support: np.ndarray, busy: np.ndarray | None = None) -> np.ndarray:
    """Guarded decoding with K for states in support and `wide_k` for those out of it."""
    placements = np.empty((len(states), profile.n), dtype=np.int8)
    for mask, width in ((~out_of_support, k), (out_of_support, wide_k)):
        if mask.any():
            placements[mask] = guarded(profile, states[mask], logits[mask], width,
                                       busy=None if busy is None else np.asarray(busy)[mask])
    return placements
