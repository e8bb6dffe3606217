"""The checks every Python client runs before trusting a .pte (the C++ and Java ports do the same).

Schema (types, shapes, finite statistics), profile, the .pte's size and sha256, and last the
golden vectors replayed through the client's own decision path. Each failure is an InputError of
one line naming the file and the field or the difference.
"""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import numpy as np

from kdoffload.mobile_export.config import FORMAT_VERSION, manifest_for
from kdoffload.mobile_export.probe import probe_bytes
from kdoffload.mobile_export.runtime import PteProgram
from kdoffload.model.decider import Decider, Decoder, DecoderConfig, decode
from kdoffload.mobile_export.golden import scored_backlogs
from kdoffload.model.decoding import argmax_placements, verified_topk
from kdoffload.model.delay import delays
from kdoffload.model.errors import InputError
from kdoffload.model.features import feature_recipe
from kdoffload.model.nesting import parse_json
from kdoffload.model.observation import HISTORY, RAW_FIELDS, Observation
from kdoffload.model.profile import Profile
from kdoffload.model.states import STATE_FIELDS, SUBTASK_FIELDS, States


def read_manifest(path: Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such manifest")
    manifest = parse_json(path.read_bytes(), path)
    if not isinstance(manifest, dict):
        raise InputError(f"{path}: not a manifest (a JSON object)")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise InputError(f"{path}: format_version is {version}, this reader reads {FORMAT_VERSION}")
    check_schema(manifest, path)
    return manifest


def _fail(path: Path, key: str, problem: str) -> InputError:
    return InputError(f"{path}: {key}: {problem}")


def _numbers(value, length: int | None, path: Path, key: str, positive: bool = False) -> None:
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise _fail(path, key, f"must be a list of {length if length is not None else 'some'} numbers")
    for x in value:
        if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
            raise _fail(path, key, f"holds {x!r}, not a finite number")
        if positive and x <= 0:
            raise _fail(path, key, f"holds {x!r}, must be positive")


def _of_type(manifest: dict, key: str, kind: type, path: Path):
    value = manifest.get(key)
    if value is None:
        raise _fail(path, key, "missing")
    if not isinstance(value, kind) or isinstance(value, bool):
        raise _fail(path, key, f"must be a {kind.__name__}, got {type(value).__name__}")
    return value


def check_schema(manifest: dict, path: Path) -> None:
    """Every key a client relies on: present, of its type, finite, consistent in length."""
    for key, kind in (("profile", dict), ("features", dict), ("input_shape", list),
                      ("output_shape", list), ("pte", dict), ("export", dict), ("decoder", dict),
                      ("golden", list), ("verification", dict)):
        _of_type(manifest, key, kind, path)
    features = manifest["features"]
    order = _of_type(features, "order", list, path)
    width = len(order)
    _numbers(features.get("mean"), width, path, "features.mean")
    _numbers(features.get("std"), width, path, "features.std", positive=True)
    support = _of_type(features, "support", dict, path)
    for key in ("min", "max", "q001", "q999"):
        _numbers(support.get(key), width, path, f"features.support.{key}")
    decoder = manifest["decoder"]
    try:
        DecoderConfig.from_manifest(decoder)
    except InputError as err:
        raise _fail(path, "decoder", str(err)) from None
    for key, kind in (("file", str), ("sha256", str), ("size_bytes", int)):
        _of_type(manifest["pte"], key, kind, path)
    tolerance = manifest["verification"].get("logit_tolerance")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or not tolerance > 0:
        raise _fail(path, "verification.logit_tolerance", f"must be a positive number, got {tolerance!r}")
    if not manifest["golden"]:
        raise _fail(path, "golden", "no golden vectors: nothing to check the model against")


def check_profile(manifest: dict, path: Path, profile: Profile) -> None:
    theirs = manifest["profile"]
    mine = {"name": profile.name, "n": profile.n, "edges": [list(e) for e in profile.edges]}
    for key, expected in mine.items():
        if theirs.get(key) != expected:
            raise InputError(f"{path}: profile.{key} is {theirs.get(key)}, expected {expected} "
                             f"(profile {profile.name})")
    width = len(feature_recipe(profile))
    if manifest["features"].get("order") != feature_recipe(profile):
        raise InputError(f"{path}: features.order differs from the {profile.name} feature recipe")
    if manifest["input_shape"] != [1, width]:
        raise InputError(f"{path}: input_shape is {manifest['input_shape']}, the {profile.name} "
                         f"recipe builds [1, {width}]")


def check_pte_file(manifest: dict, path: Path, pte: Path) -> bytes:
    """The .pte's size and sha256 against the manifest; returns its bytes."""
    if not pte.is_file():
        raise InputError(f"{pte}: no such model (named by {path})")
    data = pte.read_bytes()
    expected = manifest["pte"]
    if len(data) != expected.get("size_bytes"):
        raise InputError(f"{pte}: size is {len(data)} bytes, manifest {path} says "
                         f"{expected.get('size_bytes')}")
    digest = hashlib.sha256(data).hexdigest()
    if digest != expected.get("sha256"):
        raise InputError(f"{pte}: sha256 is {digest}, manifest {path} says {expected.get('sha256')}")
    return data


def check_program(manifest: dict, path: Path, program: PteProgram) -> None:
    if list(program.input_shape) != manifest["input_shape"]:
        raise InputError(f"{program.label}: takes input {list(program.input_shape)}, manifest "
                         f"{path} says {manifest['input_shape']}")
    if list(program.output_shape) != manifest.get("output_shape"):
        raise InputError(f"{program.label}: gives output {list(program.output_shape)}, manifest "
                         f"{path} says {manifest.get('output_shape')}")


def open_checked(pte: Path, profile: Profile | None = None,
                 manifest_path: Path | None = None) -> tuple[PteProgram, dict]:
    """Load a .pte after every check passes: manifest version, profile, width, size, sha256."""
    pte = Path(pte)
    path = Path(manifest_path) if manifest_path else manifest_for(pte)
    manifest = read_manifest(path)
    if profile is not None:
        check_profile(manifest, path, profile)
    data = check_pte_file(manifest, path, pte)
    probe_bytes(data, str(pte))  # a program that would crash the runtime is refused, not loaded
    try:
        program = PteProgram(data, label=str(pte))
    except Exception as err:  # the runtime raises RuntimeError and ValueError alike
        raise InputError(f"{pte}: not a loadable ExecuTorch program ({type(err).__name__})") from None
    check_program(manifest, path, program)
    return program, manifest


# The golden logits are the program's own outputs at export, so a faithful runtime reproduces
# them to rounding. The bound is the client's: a manifest may tighten it, never loosen it (C++
# golden_check.cpp and Java GoldenCheck hold the same number).
GOLDEN_LOGIT_TOLERANCE = 1e-4

GOLDEN_KEYS = ("state", "features", "logits", "out_of_support", "argmax_placement", "topk_placement",
               "topk_delay_s", "guarded_placement", "guarded_delay_s")


def golden_states(manifest: dict, path: Path, profile: Profile) -> States:
    """The golden records' raw states, checked for shape and finiteness."""
    golden = manifest["golden"]
    for k, record in enumerate(golden):
        missing = [key for key in GOLDEN_KEYS if key not in record] if isinstance(record, dict) else ["state"]
        if missing:
            raise _fail(path, f"golden[{k}].{missing[0]}", "missing")
        for field in STATE_FIELDS:
            value = record["state"].get(field) if isinstance(record["state"], dict) else None
            if field in SUBTASK_FIELDS:
                _numbers(value, profile.n, path, f"golden[{k}].state.{field}")
            else:
                _numbers([value], 1, path, f"golden[{k}].state.{field}")
    return States.from_dict({f: np.asarray([r["state"][f] for r in golden], dtype=np.float64)
                             for f in STATE_FIELDS})


def golden_observation(golden: list, path: Path) -> Observation:
    """The golden records' raw observations (docs/formats.md), checked for shape and values."""
    for k, record in enumerate(golden):
        seen = record.get("observation")
        if not isinstance(seen, dict):
            raise _fail(path, f"golden[{k}].observation", "missing (the profile observes its network)")
        for name in RAW_FIELDS:
            key = f"golden[{k}].observation.{name}"
            if name.endswith("history"):
                _numbers(seen.get(name), HISTORY, path, key, positive=True)
            else:
                _numbers([seen.get(name)], 1, path, key)
                if seen[name] < 0:
                    raise _fail(path, key, f"holds {seen[name]!r}, a backlog is >= 0")
    return Observation.from_dict({name: np.asarray([r["observation"][name] for r in golden], dtype=np.float64)
                                  for name in RAW_FIELDS})


def check_golden(manifest: dict, path: Path, decider: Decider) -> None:
    """Replay every golden vector through `decider`'s own path: features, logits, each decoder."""
    profile = decider.profile
    settings = manifest["decoder"]  # the golden vectors were made with the manifest's own K
    config = DecoderConfig.from_manifest(settings, Decoder.GUARDED)
    states = golden_states(manifest, path, profile)
    golden = manifest["golden"]
    observation = golden_observation(golden, path) if profile.observation else None
    raw = decider.features(states, observation)
    features = decider.normalizer(raw)
    expected = np.asarray([g["features"] for g in golden], dtype=np.float64)
    if expected.shape != features.shape or not np.allclose(features, expected, rtol=1e-5, atol=1e-5):
        raise InputError(f"{path}: golden features differ from this client's feature recipe")
    logits = decider.forward(features)
    tolerance = min(GOLDEN_LOGIT_TOLERANCE, manifest["verification"]["logit_tolerance"])
    error = np.abs(logits - np.asarray([g["logits"] for g in golden])).max()
    if not error <= tolerance:
        raise InputError(f"{path}: the model's logits differ from the golden ones by {error:.3g} "
                         f"(allowed {tolerance:g}): not the program this manifest describes")
    flagged = (decider.support.outside(raw) if decider.support is not None
               else np.zeros(len(states), dtype=bool))
    busy = scored_backlogs(config, observation)  # decoder.rate_estimate backlog: behind the queues
    checks = {"out_of_support": flagged,
              "argmax_placement": argmax_placements(logits),
              "topk_placement": verified_topk(profile, states, logits, config.top_k, busy),
              "guarded_placement": decode(profile, states, logits, config, flagged, busy)}
    for key, got in checks.items():
        want = np.asarray([g[key] for g in golden])
        if not np.array_equal(np.asarray(got, dtype=want.dtype), want):
            k = int(np.flatnonzero((np.asarray(got).reshape(len(golden), -1)
                                    != want.reshape(len(golden), -1)).any(axis=1))[0])
            raise InputError(f"{path}: golden[{k}].{key} is {golden[k][key]}, this client decides "
                             f"{np.asarray(got)[k].tolist()}")
    for key, placements in (("topk_delay_s", checks["topk_placement"]),
                            ("guarded_delay_s", checks["guarded_placement"])):
        want = np.asarray([g[key] for g in golden], dtype=np.float64)
        if not np.allclose(delays(profile, states, placements, busy), want, rtol=1e-9, atol=0):
            raise InputError(f"{path}: golden {key} differs from this client's delay model")
