"""Training checkpoints: what a teacher or student run saves every epoch, and reading one back.

On disk a checkpoint is a dict of plain types and tensors, so it loads with
`torch.load(weights_only=True)`; in memory it is a `Checkpoint`. Keys beyond the fixed ones
(the teacher's `split` and `data_meta`, the student's `distill`) travel in `Checkpoint.extra`.
"""

from __future__ import annotations

import copy
import dataclasses
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import torch

from model.errors import InputError
from model.features import Normalizer
from model.io import atomic_write
from model.nets import NetConfig, OffloadMLP
from model.profile import Profile

CHECKPOINT_VERSION = 1

# Where training stands; with the weights and the optimiser, enough to resume exactly.
PROGRESS_FIELDS = ("epoch", "best_score", "best_epoch", "bad_epochs", "history")
_KNOWN = {"version", "kind", "profile", "net_config", "normalizer", "train_config", "state",
          "optimizer", "best_state", *PROGRESS_FIELDS}


@dataclass(frozen=True)
class Checkpoint:
    """A teacher or student: its header, best weights, and the state a resumed run continues from."""

    kind: str
    profile: dict
    net_config: dict
    normalizer: Normalizer
    train_config: dict
    best_state: dict
    last_state: dict | None = None  # the weights after the last epoch ("state" on disk)
    optimizer: dict | None = None
    epoch: int = -1
    best_score: float = math.inf
    best_epoch: int = -1
    bad_epochs: int = 0
    history: list = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    @classmethod
    def start(cls, kind: str, profile: Profile, net: OffloadMLP, normalizer: Normalizer,
              train_config, **extra) -> Checkpoint:
        """The header of a run of `kind` before its first epoch; `train_config` is a dataclass."""
        return cls(kind, profile.to_dict(), net.config.to_dict(), normalizer,
                   dataclasses.asdict(train_config), copy.deepcopy(net.state_dict()), extra=extra)

    def net(self) -> OffloadMLP:
        """The network with its best weights, in eval mode."""
        net = OffloadMLP(NetConfig.from_dict(self.net_config))
        net.load_state_dict(self.best_state)
        net.eval()
        return net

    def progress(self) -> dict:
        """The progress fields, with a history of its own (a training loop appends to it)."""
        return {**{k: getattr(self, k) for k in PROGRESS_FIELDS}, "history": list(self.history)}

    def to_payload(self) -> dict:
        payload = {"kind": self.kind, "profile": self.profile, "net_config": self.net_config,
                   "normalizer": self.normalizer.to_dict(), "train_config": self.train_config,
                   **self.extra, **self.progress(), "version": CHECKPOINT_VERSION}
        for key, value in (("state", self.last_state), ("optimizer", self.optimizer)):
            if value is not None:
                payload[key] = value
        payload["best_state"] = self.best_state
        return payload

    @classmethod
    def from_payload(cls, payload: dict, source: str) -> Checkpoint:
        try:
            return cls(payload["kind"], payload["profile"], payload["net_config"],
                       Normalizer.from_dict(payload["normalizer"]), payload.get("train_config", {}),
                       payload["best_state"], payload.get("state"), payload.get("optimizer"),
                       **{k: payload[k] for k in PROGRESS_FIELDS if k in payload},
                       extra={k: v for k, v in payload.items() if k not in _KNOWN})
        except (KeyError, TypeError) as err:
            raise InputError(f"{source}: checkpoint lacks or mangles {err}") from None


def save_checkpoint(path: Path, checkpoint: Checkpoint) -> None:
    payload = checkpoint.to_payload()
    atomic_write(path, lambda f: torch.save(payload, f))


def load_checkpoint(path: Path, kind: str, profile: Profile | None = None) -> Checkpoint:
    """Read a checkpoint of `kind` ("teacher"/"student"), checking it belongs to `profile`."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such checkpoint")
    return _read(path, str(path), kind, profile)


def checkpoint_from_bytes(data: bytes, source: str, kind: str,
                          profile: Profile | None = None) -> Checkpoint:
    """A checkpoint file's bytes (from a worker), with the checks of `load_checkpoint`."""
    return _read(io.BytesIO(data), source, kind, profile)


def _read(f: Path | io.BytesIO, source: str, kind: str, profile: Profile | None) -> Checkpoint:
    try:
        # weights_only: a checkpoint is data; unpickling arbitrary objects would run its code.
        payload = torch.load(f, map_location="cpu", weights_only=True)
        version, got_kind = payload["version"], payload["kind"]
    except Exception as err:  # torn, truncated or foreign file
        raise InputError(f"{source}: not a readable kdoffload checkpoint ({type(err).__name__})") from None
    if version != CHECKPOINT_VERSION:
        raise InputError(f"{source}: checkpoint version {version}, expected {CHECKPOINT_VERSION}")
    if got_kind != kind:
        raise InputError(f"{source}: a {got_kind} checkpoint, expected a {kind}")
    if profile is not None:
        theirs = payload["profile"]
        mine = profile.to_dict()
        if theirs["graph"] != mine["graph"] or theirs["name"] != mine["name"]:
            raise InputError(f"{source}: trained for profile {theirs['name']} "
                             f"(N={theirs['graph']['n']}), not {profile.name} (N={profile.n})")
    return Checkpoint.from_payload(payload, source)
