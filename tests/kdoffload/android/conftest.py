"""A private adb server for the module, emulated phones it connects to, a tiny real export."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kdoffload.android.phone.server import PhoneConfig, start_in_thread

REPO = Path(__file__).resolve().parents[3]
HOSTBENCH = REPO / "build/android_host/hostbench"


def cached_fixture(out: Path, script: Path, *args: str) -> None:
    """`script --out out args` unless out holds its build from the same inputs (fixture_cache.py)."""
    done = subprocess.run([sys.executable, str(REPO / "tests/kdoffload/android/fixture_cache.py"), str(out),
                           str(script), *args], capture_output=True, text=True, timeout=600, cwd=REPO)
    assert done.returncode == 0, f"{script.name} --out {out}: {done.stderr[-2000:]}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def adb(tmp_path_factory):
    """adb with its own server on a private port and its own HOME (keys), killed at the end."""
    binary = shutil.which("adb")
    assert binary, "adb is not installed (make adb installs it)"
    patch = pytest.MonkeyPatch()
    patch.setenv("ANDROID_ADB_SERVER_PORT", str(_free_port()))
    patch.setenv("HOME", str(tmp_path_factory.mktemp("adb_home")))
    subprocess.run([binary, "start-server"], check=True, capture_output=True, timeout=30)
    yield binary
    subprocess.run([binary, "kill-server"], capture_output=True, timeout=30)
    patch.undo()


def devices_text(adb: str) -> str:
    return subprocess.run([adb, "devices"], capture_output=True, text=True, timeout=30).stdout


@pytest.fixture
def phones(adb, tmp_path):
    """start(name, **PhoneConfig fields) -> (serial, phone): an emulated phone adb is connected to."""
    started = []

    def start(name: str = "phone", **config):
        phone, server, port = start_in_thread(PhoneConfig(sandbox=tmp_path / name, **config))
        serial = f"127.0.0.1:{port}"
        # adb connect waits 10 s for a phone that never answers: leave it waiting, in the background.
        connect = subprocess.Popen([adb, "connect", serial], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        started.append((serial, phone, server, connect))
        if config.get("handshake", "accept") != "silent":
            connect.wait(timeout=30)
        wanted = {"accept": "device", "auth": "unauthorized", "silent": "offline"}[config.get("handshake", "accept")]
        for _ in range(100):
            if f"{serial}\t{wanted}" in devices_text(adb):
                return serial, phone
            time.sleep(0.05)
        raise AssertionError(f"{serial} never became {wanted}: {devices_text(adb)}")

    yield start
    for serial, phone, server, connect in started:
        phone.activities.force_stop("org.kdoffload.demo")
        subprocess.run([adb, "disconnect", serial], capture_output=True, timeout=30)
        server.close()
        if connect.poll() is None:
            connect.kill()
            connect.wait()


@pytest.fixture(scope="session")
def fixture_export():
    """A stand-in chain6 student export (random weights, real .pte files: int8 as shipped, and
    fp32), kept in build/ between runs (importing ExecuTorch to lower it takes most of a minute)."""
    out = REPO / "build/test_fixtures/adb_export"
    cached_fixture(out, REPO / "bench/native/make_fixture.py", "--golden", "16", "--int8")
    return out


@pytest.fixture
def workdir(tmp_path, monkeypatch, fixture_export):
    """A working directory whose runs/chain6/export/ holds the stand-in export."""
    export = tmp_path / "work/runs/chain6/export"
    export.mkdir(parents=True)
    for quant in ("int8", "fp32"):
        for suffix in (".pte", ".manifest.json"):
            shutil.copy(fixture_export / f"student_xnnpack_{quant}{suffix}", export)
    monkeypatch.chdir(tmp_path / "work")
    return tmp_path / "work"


@pytest.fixture
def app_launcher(fixture_export):
    """The app's real code path on the host JVM (make android-host builds it)."""
    if not HOSTBENCH.is_file():
        pytest.skip(f"{HOSTBENCH} missing: make android-host")
    manifest = json.loads((fixture_export / "student_xnnpack_int8.manifest.json").read_text())
    if manifest["format_version"] != 2:
        pytest.skip("bench/native/make_fixture.py writes manifest format 1; the app reads format 2")
    return HOSTBENCH


@pytest.fixture(scope="session")
def graph_export_fixture():
    """A stand-in graph student export (random weights, fp32), kept in build/ while its inputs stand
    (`make graph-fixture` makes the same one, for the JUnit run)."""
    out = REPO / "build/test_fixtures/graph_export"
    cached_fixture(out, REPO / "tests/kdoffload/android/graph_export_fixture.py")
    return out


@pytest.fixture
def graph_workdir(workdir, graph_export_fixture):
    """The working directory, its runs/graph-student/export/ holding the stand-in graph export."""
    export = workdir / "runs/graph-student/export"
    export.mkdir(parents=True)
    for suffix in (".pte", ".manifest.json"):
        shutil.copy(graph_export_fixture / f"graph_student_xnnpack_fp32{suffix}", export)
    return workdir
