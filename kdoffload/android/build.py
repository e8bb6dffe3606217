"""`kdoffload android build`: the debug APK with the user's own Gradle and Android SDK."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from model.errors import InputError

PROJECT = Path("android_demo")
DEBUG_APK = PROJECT / "app/build/outputs/apk/debug/app-debug.apk"


def android_sdk() -> Path:
    for variable in ("ANDROID_HOME", "ANDROID_SDK_ROOT"):
        root = os.environ.get(variable)
        if root and Path(root).is_dir():
            return Path(root)
    raise InputError("Android SDK not found: set ANDROID_HOME to an SDK (install one with Android "
                     "Studio or the command-line tools), or open android_demo/ in Android Studio")


def gradle_command(project: Path = PROJECT) -> list[str]:
    wrapper = project / "gradlew"
    if wrapper.is_file():
        return [str(wrapper.resolve())]
    found = shutil.which("gradle")
    if found:
        return [found]
    raise InputError("Gradle not found: install it (https://gradle.org/install/) so `gradle` is on "
                     "PATH, or open android_demo/ in Android Studio")


def build_debug_apk(project: Path = PROJECT) -> Path:
    if not (project / "settings.gradle.kts").is_file() and not (project / "settings.gradle").is_file():
        raise InputError(f"{project}: no Gradle project here (run from the repository's root)")
    try:
        sdk = android_sdk()
    except InputError:
        try:
            gradle_command(project)
        except InputError:
            raise InputError("Android SDK and Gradle not found: install Android Studio (it brings "
                             "both) and open android_demo/ in it, or set ANDROID_HOME to an SDK and "
                             "put gradle on PATH") from None
        raise
    command = gradle_command(project) + ["--no-daemon", "assembleDebug"]
    env = {**os.environ, "ANDROID_HOME": str(sdk)}
    done = subprocess.run(command, cwd=project, env=env)
    if done.returncode != 0:
        raise InputError(f"gradle assembleDebug failed in {project} (exit {done.returncode}; its "
                         "output is above)")
    apk = project / DEBUG_APK.relative_to(PROJECT)
    if not apk.is_file():
        raise InputError(f"{apk}: gradle finished but made no APK")
    return apk
