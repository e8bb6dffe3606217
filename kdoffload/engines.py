"""Learned decision engines for the task-stream simulator, loaded from runs/<profile>/."""

from __future__ import annotations

from model.errors import InputError
from model.learned import NetPolicy, load_net_policy
from model.system import Profile
from scheduler.engines import LEARNED

from kdoffload.common import run_dir

TOP_K = 8
# engine name -> (checkpoint under runs/<profile>/, kind, decoder, the command that makes it)
_CHECKPOINTS = {
    "teacher": ("teacher/checkpoint.pt", "teacher", "argmax", "train"),
    f"teacher+top{TOP_K}": ("teacher/checkpoint.pt", "teacher", "topk", "train"),
    "student": ("student/checkpoint.pt", "student", "argmax", "distill"),
    f"student+top{TOP_K}": ("student/checkpoint.pt", "student", "topk", "distill"),
    "student-nokd": ("student/nokd/checkpoint.pt", "student", "argmax", "distill"),
}


def _factory(name: str):
    relative, kind, decoder, command = _CHECKPOINTS[name]

    def build(profile: Profile) -> NetPolicy:
        path = run_dir(profile.name) / relative
        if not path.exists():
            raise InputError(f"policy {name!r}: no trained {kind} at {path} "
                             f"(run: kdoffload {command} --profile {profile.name})")
        return load_net_policy(path, kind, profile, name, decoder, TOP_K)[0]

    return build


for _name in _CHECKPOINTS:
    LEARNED[_name] = _factory(_name)
