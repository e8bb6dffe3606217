"""From per-subtask logits to a placement: argmax, and verified top-K.

Verified top-K (beyond the paper): the K most probable placements under the product of the
per-subtask softmax distributions, plus all-local, are each scored with the delay model and the
fastest is kept (ties to the lexicographically smallest). Since all-local is always a candidate,
a decision is never worse than running everything on the phone, and never worse than argmax,
which is the most probable placement and so always the first candidate.
"""

from __future__ import annotations

import numpy as np

from model.delay import delays
from model.system import Profile, States


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


def verified_topk(profile: Profile, states: States, logits: np.ndarray, k: int) -> np.ndarray:
    """The fastest of the k most probable placements and all-local: [B, N] int8."""
    candidates, _ = topk_placements(logits, k)
    batch, width, n = candidates.shape
    local = np.zeros((batch, 1, n), dtype=np.int8)
    candidates = np.concatenate([candidates, local], axis=1)
    width += 1
    lanes = states[np.repeat(np.arange(batch), width)]
    cost = delays(profile, lanes, candidates.reshape(-1, n)).reshape(batch, width)
    code = (candidates.astype(np.int64) * 3 ** np.arange(n - 1, -1, -1)).sum(axis=2)
    tied_best = cost == cost.min(axis=1, keepdims=True)
    pick = np.argmin(np.where(tied_best, code, np.iinfo(np.int64).max), axis=1)
    return candidates[np.arange(batch), pick]
