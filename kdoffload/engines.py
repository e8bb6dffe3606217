"""Learned decision engines for the task-stream simulator, loaded from runs/<profile>/."""

from __future__ import annotations

from model.decider import TOP_K, Decider, Decoder, DecoderConfig
from model.errors import InputError
from model.learned import load_net_decider
from model.profile import Profile

from model.runs import Runs

# engine name -> (network, kind, decoder, the command that makes it)
_CHECKPOINTS = {
    "teacher": ("teacher", "teacher", Decoder.ARGMAX, "train"),
    f"teacher+top{TOP_K}": ("teacher", "teacher", Decoder.TOPK, "train"),
    "student": ("student", "student", Decoder.ARGMAX, "distill"),
    f"student+top{TOP_K}": ("student", "student", Decoder.TOPK, "distill"),
    "student+guarded": ("student", "student", Decoder.GUARDED, "distill"),
    "student-nokd": ("student-nokd", "student", Decoder.ARGMAX, "distill"),
}


def _factory(name: str):
    network, kind, decoder, command = _CHECKPOINTS[name]

    def build(profile: Profile) -> Decider:
        path = Runs(profile.name).checkpoint(network)
        if not path.exists():
            raise InputError(f"policy {name!r}: no trained {kind} at {path} "
                             f"(run: kdoffload {command} --profile {profile.name})")
        return load_net_decider(path, kind, profile, name, DecoderConfig(decoder, TOP_K))[0]

    return build


def checkpoint_engines() -> dict:
    """Engine name -> factory(profile) for every learned engine built from a checkpoint."""
    return {name: _factory(name) for name in _CHECKPOINTS}
