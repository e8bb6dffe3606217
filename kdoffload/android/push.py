"""`kdoffload android push`: the exported model, its manifest and benchmark states onto the phone.

Each file is checked on the phone by sha256 after the push, and a file already there with the
same sha256 is not pushed again. A manifest whose ExecuTorch version the app's runtime cannot
load (major.minor differ) is refused before anything moves.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kdoffload.android.adb import Adb, AdbError
from kdoffload.mobile_export.config import shipped_quantization
from kdoffload.model.errors import InputError
from kdoffload.model.locations import source_dir
from kdoffload.model.nesting import parse_json
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs
from kdoffload.scheduler.stream import counted_workload

PACKAGE = "org.kdoffload.demo"
REMOTE_ROOT = "/data/local/tmp/kdoffload"
# The app's source beside this package (an editable install, or a checkout on PYTHONPATH).
APP_GRADLE = "android_demo/app/build.gradle.kts"  # in the source tree (model.locations)
# The runtime the app ships when its Gradle file cannot be read: the AAR of the ExecuTorch
# release the project exports with.
APP_EXECUTORCH_VERSION = "1.5.1"


@dataclass(frozen=True)
class PushConfig:
    model: str = "student"
    quant: str | None = None  # None: the build a phone gets (int8 for the student, fp32 for the teacher)
    states: int = 1000        # benchmark states drawn from the profile
    rate_per_s: float = 0.5   # Poisson arrival rate of the benchmark's task stream
    seed: int = 0

    def __post_init__(self):
        if self.quant is None:
            object.__setattr__(self, "quant", shipped_quantization(self.model, "xnnpack"))


def remote_dir(profile: Profile) -> str:
    return f"{REMOTE_ROOT}/{profile.name}"


def export_files(profile: Profile, cfg: PushConfig) -> tuple[Path, Path]:
    if cfg.model not in ("student", "teacher"):
        raise InputError(f"--model {cfg.model}: expected student or teacher")
    if cfg.quant not in ("fp32", "int8"):
        raise InputError(f"--quant {cfg.quant}: expected fp32 or int8")
    stem = Runs(profile.name).export / f"{cfg.model}_xnnpack_{cfg.quant}"
    pte, manifest = stem.with_suffix(".pte"), stem.with_suffix(".manifest.json")
    for path in (pte, manifest):
        if not path.is_file():
            raise InputError(f"{path}: no such file (kdoffload export --profile {profile.name} "
                             f"--model {cfg.model} --quant {cfg.quant} makes it)")
    return pte, manifest


def app_gradle() -> Path | None:
    """The app's Gradle file in the source tree; None where there is none (an installed wheel)."""
    try:
        return source_dir(APP_GRADLE) / APP_GRADLE
    except InputError:
        return None


def app_runtime_version(gradle: Path | None = None) -> str:
    """The executorch-android version the app declares, else the release it is built against."""
    gradle = gradle or app_gradle()
    if gradle is not None and gradle.is_file():
        found = re.search(r"executorch-android:([0-9][0-9A-Za-z.+-]*)", gradle.read_text())
        if found:
            return found.group(1)
    return APP_EXECUTORCH_VERSION


def check_runtime(manifest: Path, app_version: str) -> None:
    try:
        exported = parse_json(manifest.read_bytes(), manifest)["export"]["executorch_version"]
    except (ValueError, KeyError, TypeError):
        raise InputError(f"{manifest}: export.executorch_version: missing or unreadable") from None
    if _major_minor(str(exported)) != _major_minor(app_version):
        raise InputError(f"{manifest}: export.executorch_version {exported}: the app's runtime is "
                         f"ExecuTorch {app_version}, which cannot load it (major.minor must match)")


def _major_minor(version: str) -> tuple[str, ...]:
    return tuple(version.split("+")[0].split(".")[:2])


def write_states_file(profile: Profile, cfg: PushConfig, path: Path) -> Path:
    """Seeded states and Poisson arrivals for the phone's task stream, in the app's format."""
    from kdoffload.mobile_export.bench_states import write_bench_states

    workload = counted_workload(profile, cfg.states, cfg.seed).at_rate(cfg.rate_per_s)
    write_bench_states(profile, workload.states, np.asarray(workload.arrivals), path)
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def remote_sha256(adb: Adb, paths: list[str]) -> dict[str, str]:
    """sha256 of each phone file that exists (`sha256sum`, else toybox's applet)."""
    done = adb.shell("sha256sum", *paths, check=False)
    if done.returncode == 127 or b"not found" in done.stderr + done.stdout[:200]:
        done = adb.shell("toybox", "sha256sum", *paths, check=False)
    sums = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        digest, _, name = line.strip().partition("  ")
        if re.fullmatch(r"[0-9a-f]{64}", digest):
            sums[name.strip()] = digest
    return sums


def push_files(adb: Adb, files: list[Path], remote: str, progress=print) -> list[str]:
    """Push what differs, then check every file's sha256 on the phone. Returns what was pushed."""
    targets = {f"{remote}/{f.name}": f for f in files}
    wanted = {name: sha256_of(local) for name, local in targets.items()}
    before = remote_sha256(adb, list(targets))
    adb.shell("mkdir", "-p", remote)
    pushed = []
    for name, local in targets.items():
        if before.get(name) != wanted[name]:
            progress(f"push {local} -> {name}")
            adb.push(local, name)
            pushed.append(name)
    after = remote_sha256(adb, list(targets))
    for name, digest in wanted.items():
        if after.get(name) != digest:
            raise AdbError(f"{name}: sha256 on the phone is {after.get(name, 'missing')}, "
                           f"expected {digest} ({targets[name]}): the push did not arrive intact")
    return pushed


def push_profile(adb: Adb, profile: Profile, cfg: PushConfig, progress=print) -> str:
    """The export, its manifest and benchmark states into the phone's folder for the profile."""
    pte, manifest = export_files(profile, cfg)
    check_runtime(manifest, app_runtime_version())
    states = write_states_file(profile, cfg, Runs(profile.name).phone_states)
    remote = remote_dir(profile)
    remove_other_models(adb, remote, {pte.name, manifest.name})
    push_files(adb, [pte, manifest, states], remote, progress)
    return remote


def remove_other_models(adb: Adb, remote: str, keep: set[str]) -> None:
    """The app loads the one model in its folder: another export left there would be ambiguous."""
    listing = adb.shell("ls", remote, check=False).stdout.decode("utf-8", "replace").split()
    stale = [f"{remote}/{n}" for n in listing
             if n.endswith((".pte", ".manifest.json")) and n not in keep]
    if stale:
        adb.shell("rm", "-f", *stale)
