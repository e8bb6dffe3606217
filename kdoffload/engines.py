"""Learned decision engines for the task-stream simulator, loaded from runs/<profile>/."""

from __future__ import annotations

from model.decider import Decider, Decoder, DecoderConfig
from model.errors import InputError
from model.learned import load_net_decider
from model.system import Profile

from kdoffload.common import run_dir

TOP_K = 8
# engine name -> (checkpoint under runs/<profile>/, kind, decoder, the command that makes it)
_CHECKPOINTS = {
    "teacher": ("teacher/checkpoint.pt", "teacher", Decoder.ARGMAX, "train"),
    f"teacher+top{TOP_K}": ("teacher/checkpoint.pt", "teacher", Decoder.TOPK, "train"),
    "student": ("student/checkpoint.pt", "student", Decoder.ARGMAX, "distill"),
    f"student+top{TOP_K}": ("student/checkpoint.pt", "student", Decoder.TOPK, "distill"),
    "student+guarded": ("student/checkpoint.pt", "student", Decoder.GUARDED, "distill"),
    "student-nokd": ("student/nokd/checkpoint.pt", "student", Decoder.ARGMAX, "distill"),
}


def _factory(name: str):
    relative, kind, decoder, command = _CHECKPOINTS[name]

    def build(profile: Profile) -> Decider:
        path = run_dir(profile.name) / relative
        if not path.exists():
            raise InputError(f"policy {name!r}: no trained {kind} at {path} "
                             f"(run: kdoffload {command} --profile {profile.name})")
        return load_net_decider(path, kind, profile, name, DecoderConfig(decoder, TOP_K))[0]

    return build


def checkpoint_engines() -> dict:
    """Engine name -> factory(profile) for every learned engine built from a checkpoint."""
    return {name: _factory(name) for name in _CHECKPOINTS}
