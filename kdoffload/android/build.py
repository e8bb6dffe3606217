"""`kdoffload android build`: the debug APK with the project's Gradle wrapper and the user's SDK.

android_demo/ ships the standard wrapper (gradlew, gradle/wrapper/), pinned to the Gradle the
Android Gradle plugin it declares needs; the wrapper fetches that Gradle once.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from kdoffload.model.errors import InputError

PROJECT = Path("android_demo")
DEBUG_APK = PROJECT / "app/build/outputs/apk/debug/app-debug.apk"
GRADLE_LOG = "build/kdoffload-gradle.log"  # inside the project: Gradle's whole output


def android_sdk() -> Path:
    for variable in ("ANDROID_HOME", "ANDROID_SDK_ROOT"):
        root = os.environ.get(variable)
        if root and Path(root).is_dir():
            return Path(root)
    raise InputError("Android SDK not found: set ANDROID_HOME to an SDK (install one with Android "
                     "Studio or the command-line tools), or open android_demo/ in Android Studio")


def gradle_command(project: Path = PROJECT) -> list[str]:
    wrapper = project / "gradlew"
    if not wrapper.is_file():
        raise InputError(f"{wrapper}: the Gradle wrapper is missing (git checkout -- {wrapper} "
                         f"{project / 'gradle/wrapper'} brings it back)")
    return [str(wrapper.resolve())]


def gradle_reason(output: str) -> str:
    """The line of Gradle's output that says what went wrong."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    for k, line in enumerate(lines):
        if line.startswith("* What went wrong:") and k + 1 < len(lines):
            return lines[k + 1].rstrip(".")
        if line.startswith("Exception in thread") and "UnknownHostException" in line:
            return (f"the wrapper cannot download Gradle ({line.rsplit(': ', 1)[-1]} unreachable): it "
                    "needs the network once, or a GRADLE_USER_HOME that holds that Gradle")
        if line.startswith("Exception in thread"):
            return line.split(" ", 4)[-1]
    frames = [line for line in lines if not line.startswith("at ")]
    return frames[-1] if frames else "no output"


def build_debug_apk(project: Path = PROJECT) -> Path:
    if not (project / "settings.gradle.kts").is_file() and not (project / "settings.gradle").is_file():
        raise InputError(f"{project}: no Gradle project here (run from the repository's root)")
    command = gradle_command(project) + ["--no-daemon", "assembleDebug"]
    sdk = android_sdk()
    env = {**os.environ, "ANDROID_HOME": str(sdk)}
    try:
        done = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True,
                              errors="replace", stdin=subprocess.DEVNULL)
    except OSError as err:
        raise InputError(f"{command[0]}: cannot run ({err.strerror})") from None
    log = project / GRADLE_LOG
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text(done.stdout + done.stderr)
    if done.returncode != 0:
        raise InputError(f"gradlew assembleDebug failed in {project} (exit {done.returncode}): "
                         f"{gradle_reason(done.stdout + done.stderr)}; all of it in {log}")
    apk = project / DEBUG_APK.relative_to(PROJECT)
    if not apk.is_file():
        raise InputError(f"{apk}: gradlew finished but made no APK (its output: {log})")
    return apk
