"""A real Ray cluster of one or more nodes on this machine: `ray start`s on 127.0.0.1.

For the tests and the throughput benchmark. Each node gets `cpus` CPUs and a small object
store, so the cluster fits beside other work.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RAY = Path(sys.executable).with_name("ray")
OBJECT_STORE_BYTES = 80 * 2**20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# A loopback-only test cluster needs no token; with one, every `ray start` and driver must share it.
RAY_ENV = {"RAY_AUTH_MODE": "disabled", "RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO": "0", "RAY_USAGE_STATS_ENABLED": "0"}


def cluster_env() -> dict:
    """Our code first on every worker's path; no auth token; Ray's start-up chatter off."""
    return {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{os.environ.get('PYTHONPATH', '')}", **RAY_ENV}


def start(temp_dir: Path, nodes: int = 2, cpus: int = 1) -> str:
    """Start a head and `nodes - 1` more nodes; returns the cluster's address."""
    port = _free_port()
    common = ["--num-cpus", str(cpus), "--object-store-memory", str(OBJECT_STORE_BYTES),
              "--node-ip-address", "127.0.0.1", "--disable-usage-stats"]
    head = [str(RAY), "start", "--head", "--port", str(port), "--include-dashboard=false",
            "--temp-dir", str(temp_dir), *common]
    others = [[str(RAY), "start", "--address", f"127.0.0.1:{port}", *common]] * (nodes - 1)
    for command in (head, *others):
        subprocess.run(command, check=True, env=cluster_env(), capture_output=True, timeout=120)
    address = f"127.0.0.1:{port}"
    _wait_for_nodes(address, nodes)
    return address


def _wait_for_nodes(address: str, count: int, timeout_s: float = 60) -> None:
    probe = ("import ray, sys; ray.init(address=sys.argv[1], logging_level='ERROR', log_to_driver=False); "
             "print(sum(n['Alive'] for n in ray.nodes()))")
    deadline = time.monotonic() + timeout_s
    while True:
        out = subprocess.run([sys.executable, "-c", probe, address], env=cluster_env(),
                             capture_output=True, text=True, timeout=120).stdout.strip()
        if out == str(count) or time.monotonic() > deadline:
            assert out == str(count), f"the cluster at {address} has {out!r} live nodes, want {count}"
            return
        time.sleep(1)


def stop(temp_dir: Path) -> None:
    """Stop every Ray process of this machine (`ray stop` knows no other scope) and drop its files."""
    subprocess.run([str(RAY), "stop", "--force"], env=cluster_env(), capture_output=True, timeout=120)
    shutil.rmtree(temp_dir, ignore_errors=True)


def pids_running(task_name: str) -> list[int]:
    """Worker processes executing `task_name` now (Ray titles them `ray::<task name>`)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if cmdline.startswith(f"ray::{task_name}".encode()):
                found.append(int(entry.name))
    return found
