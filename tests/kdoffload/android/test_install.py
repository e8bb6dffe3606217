"""`kdoffload android install` and `build`: what a phone refuses, each as one line saying what to do;
the Gradle wrapper the build runs."""

from __future__ import annotations

import re
import zipfile

from tests.kdoffload.android.conftest import REPO
from tests.kdoffload.android.helpers import invoke, one_line_error, write_apk

PROJECT = REPO / "android_demo"


def test_an_old_sdk_phone_refuses_the_app(phones, tmp_path):
    serial, phone = phones(sdk=26)
    result = invoke("install", "--apk", str(write_apk(tmp_path / "app.apk")), "--serial", serial)
    one_line_error(result, "INSTALL_FAILED_OLDER_SDK", "minSdk 28", "Android 9 or newer")
    assert phone.storage.installed() == []


def test_a_phone_of_another_abi_refuses_the_app(phones, tmp_path):
    serial, phone = phones(abilist="armeabi-v7a,armeabi")
    result = invoke("install", "--apk", str(write_apk(tmp_path / "app.apk")), "--serial", serial)
    one_line_error(result, "INSTALL_FAILED_NO_MATCHING_ABIS", "arm64-v8a and x86_64")
    assert phone.storage.installed() == []
    plain = write_apk(tmp_path / "plain.apk", abis=())  # no native code: any CPU takes it
    assert invoke("install", "--apk", str(plain), "--serial", serial).exit_code == 0


def test_the_wrapper_is_pinned_to_a_gradle_the_plugin_takes():
    """AGP 8.9 needs Gradle 8.11.1 or newer (ExecuTorch's own Android build pairs the two)."""
    plugin = re.search(r'"com\.android\.application"\) version "([0-9.]+)"',
                       (PROJECT / "build.gradle.kts").read_text()).group(1)
    properties = (PROJECT / "gradle/wrapper/gradle-wrapper.properties").read_text()
    gradle = re.search(r"distributions/gradle-([0-9.]+)-bin\.zip", properties).group(1)
    assert (plugin, gradle) == ("8.9.0", "8.11.1")
    assert (PROJECT / "gradlew").stat().st_mode & 0o111 and (PROJECT / "gradlew.bat").is_file()
    with zipfile.ZipFile(PROJECT / "gradle/wrapper/gradle-wrapper.jar") as jar:
        assert "org/gradle/wrapper/GradleWrapperMain.class" in jar.namelist()


def _project(tmp_path, gradlew: str | None):
    project = tmp_path / "android_demo"
    project.mkdir()
    (project / "settings.gradle.kts").write_text("")
    if gradlew is not None:
        (project / "gradlew").write_text(gradlew)
        (project / "gradlew").chmod(0o755)
    return project


def test_build_runs_the_wrapper_and_says_what_went_wrong(monkeypatch, tmp_path):
    _project(tmp_path, "#!/bin/sh\necho \"$@\" > args\necho 'FAILURE: Build failed with an exception.'\n"
                       "echo '* What went wrong:'\necho 'SDK location not found.'\nexit 1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANDROID_HOME", str(tmp_path))
    one_line_error(invoke("build"), "gradlew assembleDebug failed", "SDK location not found",
                   "kdoffload-gradle.log")
    assert (tmp_path / "android_demo/args").read_text().split() == ["--no-daemon", "assembleDebug"]


def test_build_without_the_network_says_the_wrapper_needs_it(monkeypatch, tmp_path):
    _project(tmp_path, "#!/bin/sh\necho 'Downloading https://services.gradle.org/distributions/gradle-8.11.1-bin.zip'\n"
                       "echo 'Exception in thread \"main\" java.net.UnknownHostException: services.gradle.org' >&2\n"
                       "echo '\tat java.base/sun.nio.ch.NioSocketImpl.connect(NioSocketImpl.java:572)' >&2\nexit 1\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANDROID_HOME", str(tmp_path))
    one_line_error(invoke("build"), "cannot download Gradle", "services.gradle.org unreachable")


def test_build_without_sdk_or_wrapper_says_what_is_missing(monkeypatch, tmp_path):
    project = _project(tmp_path, "#!/bin/sh\nexit 0\n")
    monkeypatch.chdir(tmp_path)
    for variable in ("ANDROID_HOME", "ANDROID_SDK_ROOT"):
        monkeypatch.delenv(variable, raising=False)
    one_line_error(invoke("build"), "Android SDK not found", "ANDROID_HOME")
    (project / "gradlew").unlink()
    one_line_error(invoke("build"), "Gradle wrapper is missing")
