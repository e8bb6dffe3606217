"""A JobMap whose jobs are Ray tasks: on a local Ray instance, or on a cluster given its address.

Imported only under `--engine ray`. What each worker receives: the code of the packages jobs
import (the `kdoffload` package as installed, shipped as a Ray `py_module`, so a node runs the
driver's code, not whatever copy it has installed), the job's arguments, and `shared` once per map as one
object-store entry. A worker that dies costs a retry of its task (`max_retries`), not a result.
"""

from __future__ import annotations

import importlib
import logging
import os
import shutil
import socket
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from kdoffload.model.errors import InputError
from kdoffload.model.parallel import JobMap

INSTALL_HINT = "pip install 'kdoffload[distributed]'"


def _import_ray():
    try:
        import ray
    except ImportError:
        raise InputError(f"engine ray: Ray is not installed; install it with: {INSTALL_HINT}") from None
    return ray


def _call(fn: Callable[..., Any], shared: Mapping[str, Any], *job) -> Any:
    return fn(*job, **shared)


def _reachable(address: str, timeout_s: float = 5.0) -> bool:
    """A TCP connect to host:port; Ray itself retries an absent cluster for minutes."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout_s):
            return True
    except (OSError, ValueError):
        return False


# The folders a checkout keeps beside kdoffload/ and an install puts inside it (pyproject.toml).
_MAPPED = ("model", "distill", "mobile_export", "scheduler", "evaluation")
_NOT_SHIPPED = shutil.ignore_patterns("__pycache__", "*.so")


def _package_tree(into: Path) -> Path:
    """`kdoffload` laid out as an install has it, under `into`: from an editable checkout the
    mapped folders live beside the package, and Ray ships a directory as it finds it."""
    package = into / "kdoffload"
    shutil.copytree(Path(importlib.import_module("kdoffload").__file__).parent, package,
                    ignore=_NOT_SHIPPED, dirs_exist_ok=True)
    for name in _MAPPED:
        source = Path(importlib.import_module(f"kdoffload.{name}").__file__).parent
        shutil.copytree(source, package / name, ignore=_NOT_SHIPPED, dirs_exist_ok=True)
    return package


def _connect(ray, address: str | None, verbose: bool, object_store_memory: int | None) -> None:
    """Start or join Ray once per process; its own log lines stay away unless `verbose`."""
    if ray.is_initialized():
        return
    if address not in (None, "auto") and not _reachable(address):
        raise InputError(f"address: no Ray cluster answers at {address}")
    # Ray warns on every start about a future change of accelerator env handling; not ours to act on.
    os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")
    from kdoffload import distill
    from kdoffload import model
    options = dict(log_to_driver=verbose, logging_level=logging.INFO if verbose else logging.ERROR,
                   runtime_env={"py_modules": [model, distill]})
    if address is None:  # a fresh local instance: its size is ours to choose
        options.update(include_dashboard=False, object_store_memory=object_store_memory)
    try:
        ray.init(address=address, **options)
    except (ConnectionError, RuntimeError) as err:
        raise InputError(f"address: no Ray cluster reachable at {address} ({err})") from None


def lost_cluster(err: Exception) -> str:
    """One line for a cluster that failed under the jobs (a node or its raylet died, an object
    was lost beyond recovery): what happened, and that a rerun resumes."""
    first = str(err).strip().splitlines()[0] if str(err).strip() else "no detail"
    return (f"engine ray: the cluster failed under the jobs ({type(err).__name__}: {first}); "
            "results already saved are kept, and a rerun resumes from them")


def ray_jobs(address: str | None = None, verbose: bool = False, max_retries: int = 3,
             object_store_memory: int | None = None) -> JobMap:
    """A JobMap on Ray, connected now (so a bad address fails before any work is planned).

    `address`: None (start a local Ray), "auto" (the cluster this machine belongs to), "host:port"
    or "ray://host:port".
    """
    ray = _import_ray()
    _connect(ray, address, verbose, object_store_memory)

    def run(fn: Callable[..., Any], jobs: Sequence[tuple],
            shared: Mapping[str, Any] | None = None) -> Iterator[tuple[int, Any]]:
        _connect(ray, address, verbose, object_store_memory)
        # Only worker deaths are retried: a job that raises would raise again, the same seed.
        task = ray.remote(_call).options(name=fn.__name__, num_cpus=1, max_retries=max_retries,
                                         retry_exceptions=False)
        shared_ref = ray.put(dict(shared or {}))
        pending = {task.remote(fn, shared_ref, *job): position for position, job in enumerate(jobs)}
        try:
            while pending:
                ready, _ = ray.wait(list(pending), num_returns=1)
                try:
                    result = ray.get(ready[0])
                except ray.exceptions.RayError as err:
                    if isinstance(err, ray.exceptions.RayTaskError):
                        raise  # the job itself raised: that error is the caller's to report
                    raise InputError(lost_cluster(err)) from None
                yield pending.pop(ready[0]), result
        finally:
            for ref in pending:  # the caller gave up (an error, or ^C): free the cluster
                ray.cancel(ref, force=True)

    return run
