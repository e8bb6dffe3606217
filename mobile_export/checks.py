"""The checks every Python client runs before trusting a .pte (kdo_bench does the same in C++).

Each failure is an InputError of one line naming the file and the difference.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from mobile_export.config import FORMAT_VERSION, manifest_for
from mobile_export.runtime import PteProgram
from model.errors import InputError
from model.features import feature_recipe
from model.system import Profile


def read_manifest(path: Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such manifest")
    try:
        manifest = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{path}: not valid JSON ({err})") from None
    if not isinstance(manifest, dict):
        raise InputError(f"{path}: not a manifest (a JSON object)")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise InputError(f"{path}: format_version is {version}, this reader reads {FORMAT_VERSION}")
    for key in ("profile", "features", "input_shape", "pte", "golden"):
        if key not in manifest:
            raise InputError(f"{path}: {key}: missing")
    return manifest


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
    try:
        program = PteProgram(data, label=str(pte))
    except Exception as err:  # the runtime raises RuntimeError and ValueError alike
        raise InputError(f"{pte}: not a loadable ExecuTorch program ({type(err).__name__})") from None
    check_program(manifest, path, program)
    return program, manifest
