"""Learned decision engines for the task-stream simulator, loaded from runs/<profile>/."""

from __future__ import annotations

from kdoffload.model.decider import Decider, Decoder, DecoderConfig
from kdoffload.model.errors import InputError
from kdoffload.model.learned import load_net_decider
from kdoffload.model.profile import Profile

from kdoffload.model.runs import KINDS, Runs

# Each network with the decoders the simulator offers it, and the command that makes it.
_NETWORKS = {"teacher": ((Decoder.ARGMAX, Decoder.TOPK), "train"), "student": (tuple(Decoder), "distill"),
             "student-nokd": ((Decoder.ARGMAX,), "distill")}
# engine name (as reports name the policy) -> (network, kind, decoder, command)
_CHECKPOINTS = {DecoderConfig(decoder).label(network): (network, KINDS[network], decoder, command)
                for network, (decoders, command) in _NETWORKS.items() for decoder in decoders}


def _factory(name: str):
    network, kind, decoder, command = _CHECKPOINTS[name]

    def build(profile: Profile) -> Decider:
        path = Runs(profile.name).checkpoint(network)
        if not path.exists():
            raise InputError(f"policy {name!r}: no trained {kind} at {path} "
                             f"(run: kdoffload {command} --profile {profile.name})")
        return load_net_decider(path, kind, profile, name, DecoderConfig(decoder))[0]

    return build


def checkpoint_engines() -> dict:
    """Engine name -> factory(profile) for every learned engine built from a checkpoint."""
    return {name: _factory(name) for name in _CHECKPOINTS}
