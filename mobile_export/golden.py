"""Golden vectors: raw states with the features, logits and placements every client must reproduce.

Chosen from the verification run so that, across the set, every label appears in the expected
argmax placements, in the verified top-K placements and in the optimal placements, and some
states are ones where top-K overrules argmax (the decoder's interesting case). A few more are
drawn outside the training ranges, so the guarded decoder's wide-K path is checked too.
"""

from __future__ import annotations

import numpy as np

from kdoffload.model.decider import DecoderConfig, decode
from kdoffload.model.decoding import argmax_placements, verified_topk
from kdoffload.model.delay import delays
from kdoffload.model.features import Support, build_features
from kdoffload.model.observation import Observation, still_observation
from kdoffload.model.policies import Greedy
from kdoffload.model.profile import Profile
from kdoffload.model.states import STATE_FIELDS, States


def pick_states(argmax: np.ndarray, topk: np.ndarray, optimal: np.ndarray, count: int) -> np.ndarray:
    """Indices of `count` states (fewer only if fewer exist) covering every label three ways."""
    chosen: list[int] = []

    def take(mask: np.ndarray, how_many: int = 1) -> None:
        for index in np.flatnonzero(mask & ~np.isin(np.arange(len(mask)), chosen))[:how_many]:
            chosen.append(int(index))

    for placements in (argmax, topk, optimal):
        for label in range(3):
            if not (placements[np.asarray(chosen, dtype=int)] == label).any():
                take((placements == label).any(axis=1))
    take((argmax != topk).any(axis=1), max(0, count // 4 - len(chosen)))
    take(np.ones(len(argmax), dtype=bool), count - len(chosen))
    return np.asarray(sorted(chosen), dtype=int)


def state_record(states: States, k: int) -> dict:
    return {f: getattr(states, f)[k].tolist() for f in STATE_FIELDS}


def scored_backlogs(config: DecoderConfig, observation: Observation | None) -> np.ndarray | None:
    """[S, 3] seconds queued on the phone's core, uplink and downlink that `config` scores
    candidates behind (rate_estimate backlog, with an observation), else None: an idle phone."""
    if config.rate_estimate != "backlog" or observation is None:
        return None
    return observation.backlogs()


def golden_vectors(profile: Profile, states: States, features: np.ndarray, logits: np.ndarray,
                   config: DecoderConfig, support: Support,
                   optimal: np.ndarray | None = None, observation: Observation | None = None) -> list[dict]:
    """One record per state: features [F] as the model takes them, logits [N][3] as it gave them.

    `features` are normalised; the support check runs on the raw features of `states`. A profile
    with an observation recipe gets each record's raw observation (`observation`, or the still
    one the features were built with when none is given), which every port summarises itself.
    """
    if profile.observation and observation is None:
        observation = still_observation(states)
    flagged = support.outside(build_features(profile, states, observation))
    busy = scored_backlogs(config, observation)
    argmax = argmax_placements(logits)
    topk = verified_topk(profile, states, logits, config.top_k, busy)
    guarded = decode(profile, states, logits, config, flagged, busy)
    greedy = Greedy(profile).decide(states)
    topk_delay, guarded_delay = delays(profile, states, topk, busy), delays(profile, states, guarded, busy)
    vectors = []
    for k in range(len(states)):
        record = {"state": state_record(states, k), "features": features[k].tolist(),
                  "logits": logits[k].tolist(), "out_of_support": bool(flagged[k]),
                  "argmax_placement": argmax[k].tolist(), "topk_placement": topk[k].tolist(),
                  "topk_delay_s": float(topk_delay[k]), "guarded_placement": guarded[k].tolist(),
                  "guarded_delay_s": float(guarded_delay[k]), "greedy_placement": greedy[k].tolist()}
        if optimal is not None:
            record["optimal_placement"] = optimal[k].tolist()
        if profile.observation:
            record["observation"] = observation.record(k)
        vectors.append(record)
    return vectors


def select_golden(profile: Profile, states: States, features: np.ndarray, logits: np.ndarray,
                  optimal: np.ndarray, config: DecoderConfig, support: Support, count: int) -> list[dict]:
    argmax = argmax_placements(logits)
    topk = verified_topk(profile, states, logits, config.top_k)
    idx = pick_states(argmax, topk, optimal, count)
    return golden_vectors(profile, states[idx], features[idx], logits[idx], config, support, optimal[idx])
