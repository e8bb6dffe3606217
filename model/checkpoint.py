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

import numpy as np
import torch

from kdoffload.model.errors import InputError
from kdoffload.model.features import Normalizer
from kdoffload.model.io import atomic_write
from kdoffload.model.nets import NetConfig, OffloadMLP
from kdoffload.model.profile import Profile, profile_from_dict

CHECKPOINT_VERSION = 1
# Far above any network this project trains (the teacher has ~0.5M parameters), far below what
# would exhaust the machine: checked before a network or a tensor of that size exists.
MAX_CHECKPOINT_BYTES = 2 << 30
MAX_PARAMETERS = 50_000_000
MAX_LAYERS, MAX_WIDTH = 16, 8192

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
    size = f.stat().st_size if isinstance(f, Path) else f.getbuffer().nbytes
    if size > MAX_CHECKPOINT_BYTES:
        raise InputError(f"{source}: {size:,} bytes, more than the {MAX_CHECKPOINT_BYTES:,} a checkpoint may have")
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
    _check_contents(payload, source, profile)
    return Checkpoint.from_payload(payload, source)


def _check_contents(payload: dict, source: str, profile: Profile | None) -> None:
    """The header first, the parameter count bounded, then the tensors: a 200 KB file whose
    header asks for a 6 GB network is refused before any network is built."""
    if profile is None:
        if not isinstance(payload.get("profile"), dict):
            raise InputError(f"{source}: profile: missing or not a table")
        profile = profile_from_dict(payload["profile"], source=source)
    config = _net_config(payload.get("net_config"), source, profile)
    expected = _state_shapes(config)
    for key in ("best_state", "state"):
        if key in payload or key == "best_state":
            _check_state(payload.get(key), expected, f"{source}: {key}")
    _check_normalizer(payload.get("normalizer"), source, config.in_features)


def _net_config(raw, source: str, profile: Profile) -> NetConfig:
    try:
        config = NetConfig.from_dict(raw)
    except (KeyError, TypeError, ValueError, OverflowError):
        raise InputError(f"{source}: checkpoint lacks or mangles 'net_config' (in_features, "
                         f"n_subtasks and a hidden list of integers)") from None
    if config.n_subtasks != profile.n or not 1 <= config.in_features <= MAX_WIDTH:
        raise InputError(f"{source}: net_config: maps {config.in_features} features to "
                         f"{config.n_subtasks} subtasks; profile {profile.name} has {profile.n} "
                         f"subtasks and a network at most {MAX_WIDTH} inputs")
    if len(config.hidden) > MAX_LAYERS or not all(1 <= h <= MAX_WIDTH for h in config.hidden):
        raise InputError(f"{source}: net_config.hidden: {list(config.hidden)[:8]}: at most {MAX_LAYERS} "
                         f"layers, each 1 to {MAX_WIDTH} wide")
    count = sum(b * a + b for a, b in _layer_widths(config))
    if count > MAX_PARAMETERS:
        raise InputError(f"{source}: net_config.hidden: {list(config.hidden)} makes {count:,} "
                         f"parameters, more than the {MAX_PARAMETERS:,} a checkpoint may hold")
    return config


def _layer_widths(config: NetConfig) -> list[tuple[int, int]]:
    widths = (config.in_features, *config.hidden, config.n_subtasks * 3)
    return list(zip(widths[:-1], widths[1:]))


def _state_shapes(config: NetConfig) -> dict[str, tuple[int, ...]]:
    """OffloadMLP's state dict keys and shapes, without building it (Linear, ReLU, ... Linear)."""
    shapes = {}
    for k, (a, b) in enumerate(_layer_widths(config)):
        shapes[f"body.{2 * k}.weight"], shapes[f"body.{2 * k}.bias"] = (b, a), (b,)
    return shapes


def _check_state(state, expected: dict[str, tuple[int, ...]], where: str) -> None:
    if not isinstance(state, dict) or set(state) != set(expected):
        raise InputError(f"{where}: not the weights net_config describes")
    for name, shape in expected.items():
        tensor = state[name]
        if not isinstance(tensor, torch.Tensor) or tuple(tensor.shape) != shape or tensor.dtype != torch.float32:
            raise InputError(f"{where}.{name}: expected float32 {list(shape)}")
        if not torch.isfinite(tensor).all():
            raise InputError(f"{where}.{name}: holds weights that are not finite")


def _check_normalizer(raw, source: str, width: int) -> None:
    for key in ("mean", "std"):
        values = raw.get(key) if isinstance(raw, dict) else None
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            array = np.empty(0)
        if array.shape != (width,) or not np.isfinite(array).all():
            raise InputError(f"{source}: normalizer.{key}: must be {width} finite numbers")
        if key == "std" and not (array > 0).all():
            raise InputError(f"{source}: normalizer.std: feature {int(np.flatnonzero(array <= 0)[0])} "
                             f"has std {array[array <= 0][0]!r}, every std must be positive")
