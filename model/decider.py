"""The decision path, once: raw state -> features -> support check -> normalise -> forward -> decode.

Every Python client decides through a `Decider`: evaluation, the simulator's engines, the latency
benchmark and export verification. Only the forward function differs (eager torch, the ExecuTorch
Python runtime); the C++ core (`kdo::Decider`) and the Android core
(`org.kdoffload.core.Decider`) are ports of this object, kept equal by the manifest's golden
vectors. docs/formats.md states the contract.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Callable

import numpy as np

from kdoffload.model.decoding import argmax_placements, guarded_with_support, verified_topk
from kdoffload.model.errors import InputError
from kdoffload.model.features import Normalizer, Support, build_features
from kdoffload.model.observation import RATE_ESTIMATES, Observation, as_estimated
from kdoffload.model.profile import Profile
from kdoffload.model.states import States

# Normalised features [S, F] float32 -> logits [S, N, 3].
Forward = Callable[[np.ndarray], np.ndarray]


class Decoder(str, Enum):
    ARGMAX = "argmax"
    TOPK = "topk"
    GUARDED = "guarded"

    @classmethod
    def parse(cls, value: str | Decoder, what: str = "--decoder") -> Decoder:
        try:
            return cls(value)
        except ValueError:
            raise InputError(f"{what}: {value!r} is not one of "
                             f"{', '.join(d.value for d in cls)}") from None


# The decoder defaults, written once: every Python reader, the manifest and through it the C++
# and Java ports take K and the widened K from here.
TOP_K = 8       # candidates of verified top-K and guarded decoding
OOD_TOP_K = 32  # guarded decoding's K for a state out of the training support (at least K)


@dataclass(frozen=True)
class DecoderConfig:
    """Which decoder, with K for states in support and the wider K for states out of it.

    The widening rule: out of support the guarded decoder takes max(top_k, ood_top_k)
    candidates, so asking for a larger K never narrows the out-of-support search. The
    stored `ood_top_k` is that effective width; every port applies the same rule.
    """

    decoder: Decoder = Decoder.GUARDED
    top_k: int = TOP_K
    ood_top_k: int = OOD_TOP_K
    # What top-K and guarded candidates are scored under: the state's own rates from an idle
    # phone ("current"), or for a profile that observes, the lower of the rate and its
    # history's harmonic mean ("history"), or the state's rates from the observed backlogs of
    # the phone's core and links ("backlog"). The manifest carries it as decoder.rate_estimate
    # ("current" when absent); the Java core reads current and backlog.
    rate_estimate: str = "current"

    def __post_init__(self):
        object.__setattr__(self, "decoder", Decoder.parse(self.decoder))
        for value, what in ((self.top_k, "top_k"), (self.ood_top_k, "ood_top_k")):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise InputError(f"{what}: must be an integer of at least 1, got {value!r}")
        object.__setattr__(self, "ood_top_k", max(int(self.top_k), int(self.ood_top_k)))
        if self.rate_estimate not in RATE_ESTIMATES:
            raise InputError(f"rate_estimate: {self.rate_estimate!r} is not one of {', '.join(RATE_ESTIMATES)}")

    @classmethod
    def from_manifest(cls, block: dict, decoder: Decoder | str | None = None,
                      top_k: int | None = None) -> DecoderConfig:
        """A manifest's `decoder` block; a caller's decoder or K takes precedence."""
        return cls(decoder or block.get("default"), top_k or block.get("top_k"), block.get("ood_top_k"),
                   block.get("rate_estimate", "current"))

    def to_manifest(self) -> dict:
        """The manifest's `decoder` block (docs/formats.md)."""
        block = {"default": self.decoder.value, "top_k": self.top_k, "ood_top_k": self.ood_top_k}
        if self.rate_estimate != "current":  # absent is current: older manifests read as before
            block["rate_estimate"] = self.rate_estimate
        return block

    def label(self, model: str) -> str:
        """The policy name a report shows: `student`, `student+top8`, `student+guarded`."""
        if self.decoder is Decoder.ARGMAX:
            return model
        scoring = "" if self.rate_estimate == "current" else f"-{self.rate_estimate}"
        return (f"{model}+top{self.top_k}" if self.decoder is Decoder.TOPK else f"{model}+guarded") + scoring


@dataclass
class Decider:
    """A learned offloading policy: the `Policy` interface of `model.policies` (name, decide)."""

    profile: Profile
    normalizer: Normalizer
    forward: Forward
    config: DecoderConfig = DecoderConfig()
    support: Support | None = None  # without it no state counts as out of support
    name: str = "learned"

    def features(self, states: States, observation: Observation | None = None) -> np.ndarray:
        """Raw features [S, F] float32, before normalisation (`observation`: what the phone saw,
        read only by a profile with an observation recipe)."""
        return build_features(self.profile, states, observation)

    def out_of_support(self, states: States) -> np.ndarray:
        if self.support is None:
            return np.zeros(len(states), dtype=bool)
        return self.support.outside(self.features(states))

    def logits(self, states: States) -> np.ndarray:
        return self.forward(self.normalizer(self.features(states)))

    def decide_flagged(self, states: States,
                       observation: Observation | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Placements [S, N] int8 and which states were out of the training support [S] bool."""
        raw = self.features(states, observation)
        flagged = (self.support.outside(raw) if self.support is not None
                   else np.zeros(len(states), dtype=bool))
        logits = self.forward(self.normalizer(raw))
        observes = bool(self.profile.observation) and observation is not None
        on_history = self.config.rate_estimate == "history" and observes
        scored = as_estimated(states, observation) if on_history else states
        busy = observation.backlogs() if self.config.rate_estimate == "backlog" and observes else None
        return decode(self.profile, scored, logits, self.config, flagged, busy), flagged

    def decide(self, states: States) -> np.ndarray:
        return self.decide_flagged(states)[0]

    def with_decoder(self, config: DecoderConfig, name: str | None = None) -> Decider:
        return Decider(self.profile, self.normalizer, self.forward, config, self.support,
                       name or self.name)


def decode(profile: Profile, states: States, logits: np.ndarray, config: DecoderConfig,
           out_of_support: np.ndarray | None = None, busy: np.ndarray | None = None) -> np.ndarray:
    """logits [S, N, 3] -> placements [S, N] int8 with the configured decoder (`busy` [S, 3]:
    the seconds queued on the phone's core, uplink and downlink that candidates start behind)."""
    if config.decoder is Decoder.ARGMAX:
        return argmax_placements(logits)
    if config.decoder is Decoder.TOPK:
        return verified_topk(profile, states, logits, config.top_k, busy)
    if out_of_support is None:
        out_of_support = np.zeros(len(states), dtype=bool)
    return guarded_with_support(profile, states, logits, config.top_k, config.ood_top_k, out_of_support, busy)
