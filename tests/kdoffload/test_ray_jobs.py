"""Demonstrations, the distillation sweep and the ablation as Ray tasks on a two-node cluster.

Same seed, same bytes (or the same tensors) as the local run; a killed worker costs a retry and
a killed driver resumes from its shards. One cluster serves the whole module; `ray stop` ends it.
"""

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import replace

import pytest
import torch
from typer.testing import CliRunner

from bench import ray_cluster
from kdoffload.distill import kd_ablation
from kdoffload.distill.student import DistillConfig, sweep
from kdoffload.cli import app
from kdoffload.model import dataset
from kdoffload.ray_jobs import ray_jobs
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.profile import load_profile
from kdoffload.model.train import TrainConfig, train_teacher

ray = pytest.importorskip("ray", reason="the distributed extra: pip install 'kdoffload[distributed]'")

# dag10 states cost tens of milliseconds each to solve, so a shard of 40 runs long enough to be
# caught and killed mid-run; six shards keep both nodes busy.
SHARD, SAMPLES, SEED = 40, 240, 11


@pytest.fixture(scope="module")
def cluster():
    temp_dir = f"/tmp/kdo-ray-{os.getpid()}"  # Ray's socket paths must stay short
    saved = {k: os.environ.get(k) for k in ray_cluster.RAY_ENV}
    os.environ.update(ray_cluster.RAY_ENV)  # this process is a driver of the cluster too
    try:
        yield ray_cluster.start(temp_dir)
    finally:
        ray_cluster.stop(temp_dir)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@pytest.fixture(autouse=True)
def fresh_driver():
    yield
    ray.shutdown()  # each test joins (or starts) Ray on its own terms


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "d.npz"
    return dataset.generate(load_profile("dag10"), SAMPLES, SEED, out, workers=2, shard_size=SHARD).read_bytes()


def _driver(out, address):
    """A separate driver process making the dag10 dataset on the cluster."""
    script = ("import sys; from model import dataset; from kdoffload.ray_jobs import ray_jobs; "
              "from model.profile import load_profile; "
              f"dataset.generate(load_profile('dag10'), {SAMPLES}, {SEED}, sys.argv[1], "
              f"jobs=ray_jobs(sys.argv[2]), shard_size={SHARD})")
    return subprocess.Popen([sys.executable, "-c", script, str(out), address], env=ray_cluster.cluster_env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_until(condition, timeout_s=90):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the run to get there"
        time.sleep(0.02)


def _kill_one(task_name: str) -> bool:
    for pid in ray_cluster.pids_running(task_name):
        try:
            os.kill(pid, signal.SIGKILL)
            return True
        except ProcessLookupError:  # it finished between the look and the kill
            continue
    return False


def test_without_ray_the_engine_says_how_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # what an install without the extra sees
    result = CliRunner().invoke(app, ["data", "--samples", "10", "--out", str(tmp_path / "d.npz"), "--engine", "ray"])
    assert result.exit_code == 2 and "pip install 'kdoffload[distributed]'" in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize("args,field", [(["--engine", "spark"], "--engine"), (["--address", "auto"], "--address"),
                                        (["--engine", "ray", "--address", "127.0.0.1:1"], "address")])
def test_engine_options_are_checked(tmp_path, args, field):
    result = CliRunner().invoke(app, ["data", "--samples", "10", "--out", str(tmp_path / "d.npz"), *args])
    assert result.exit_code == 2 and field in result.output


@pytest.mark.slow
def test_the_cli_on_two_nodes_writes_the_local_bytes(tmp_path, cluster):
    local = dataset.generate(load_profile("chain6"), 9000, 3, tmp_path / "local.npz", workers=1)
    result = CliRunner().invoke(app, ["data", "--samples", "9000", "--seed", "3", "--out", str(tmp_path / "ray.npz"),
                                      "--engine", "ray", "--address", cluster])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "ray.npz").read_bytes() == local.read_bytes()


@pytest.mark.slow
def test_a_killed_worker_costs_a_retry_not_a_result(tmp_path, cluster, reference):
    out = tmp_path / "d.npz"
    driver = _driver(out, cluster)
    _wait_until(lambda: _kill_one("make_shard"))
    _, stderr = driver.communicate(timeout=180)
    assert driver.returncode == 0, stderr.decode()[-2000:]
    assert out.read_bytes() == reference


@pytest.mark.slow
def test_a_killed_driver_resumes_from_its_shards(tmp_path, cluster, reference):
    out = tmp_path / "d.npz"
    shard_dir = tmp_path / "d.npz.shards"
    driver = _driver(out, cluster)
    _wait_until(lambda: len(list(shard_dir.glob("shard-*.npz"))) >= 2)
    driver.kill()
    driver.wait()
    assert not out.exists()  # nothing reaches the final path before every shard is in
    kept = len(list(shard_dir.glob("shard-*.npz")))
    seen = []
    dataset.generate(load_profile("dag10"), SAMPLES, SEED, out, progress=lambda done, total: seen.append(done),
                     jobs=ray_jobs(cluster), shard_size=SHARD)
    assert seen[0] == kept * SHARD  # the shards already written count before any work
    assert out.read_bytes() == reference


@pytest.fixture(scope="module")
def student_setup(tmp_path_factory):
    chain6 = load_profile("chain6")
    root = tmp_path_factory.mktemp("students")
    demos = dataset.load(dataset.generate(chain6, 1500, 0, root / "train.npz", workers=1))
    test = dataset.load(dataset.generate(chain6, 400, 1, root / "test.npz", workers=1))
    teacher = train_teacher(chain6, demos, TrainConfig(epochs=2, threads=1), root / "teacher")
    dcfg = DistillConfig(temperatures=(1.0, 4.0), alphas=(0.5,), transfer_samples=200)
    dcfg = replace(dcfg, train=replace(dcfg.train, epochs=2))
    return chain6, demos, test, teacher, dcfg, root


def _weights(path):
    return load_checkpoint(path, "student").best_state


@pytest.mark.slow
def test_distill_on_ray_trains_the_local_students(student_setup, cluster, tmp_path, monkeypatch):
    chain6, demos, _, teacher, dcfg, root = student_setup
    local = sweep(chain6, demos, teacher, dcfg, root / "local")
    monkeypatch.chdir(tmp_path)  # the command's runs/ holds the same dataset and teacher
    (tmp_path / "runs/chain6/data").mkdir(parents=True)
    (tmp_path / "runs/chain6/teacher").mkdir(parents=True)
    shutil.copyfile(root / "train.npz", tmp_path / "runs/chain6/data/train.npz")
    shutil.copyfile(teacher, tmp_path / "runs/chain6/teacher/checkpoint.pt")
    result = CliRunner().invoke(app, ["distill", "--epochs", "2", "--temperature", "1", "--temperature", "4",
                                      "--alpha", "0.5", "--transfer-samples", "200", "--engine", "ray",
                                      "--address", cluster])
    assert result.exit_code == 0, result.output
    on_ray = json.loads((tmp_path / "runs/chain6/student/sweep.json").read_text())
    assert on_ray == json.loads(json.dumps(local))
    for member in ("checkpoint.pt", "nokd/checkpoint.pt", "sweep/T4_a0.5/checkpoint.pt"):
        a, b = _weights(root / "local" / member), _weights(tmp_path / "runs/chain6/student" / member)
        assert all(torch.equal(a[k], b[k]) for k in a), member


@pytest.mark.slow
def test_the_ablation_seeds_as_ray_tasks_score_as_the_local_ones(student_setup, cluster):
    chain6, demos, test, teacher, dcfg, root = student_setup
    args = (chain6, demos, test, teacher, 2.0, 0.9, [0, 1], 100, dcfg)
    local = kd_ablation.run(*args, root / "ab_local")
    on_ray = kd_ablation.run(*args, root / "ab_ray", jobs=ray_jobs(cluster))
    assert on_ray == local
    assert set(on_ray["runs"]) == set(kd_ablation.VARIANTS)


class _FakeRay:
    """Just enough of Ray's API for the map loop, with `get` failing as told."""

    def __init__(self, failure: Exception):
        import ray.exceptions
        self.exceptions = ray.exceptions
        self.failure = failure

    def is_initialized(self):
        return True

    def remote(self, *args):  # ray.remote(fn) -> a task; task.remote(fn, shared, *job) -> a ref
        return self if len(args) == 1 else object()

    def options(self, **_):
        return self

    def put(self, value):
        return value

    def wait(self, refs, num_returns):
        return refs[:num_returns], refs[num_returns:]

    def get(self, ref):
        raise self.failure

    def cancel(self, ref, force):
        pass


def test_a_cluster_that_fails_under_the_jobs_is_one_line_and_a_failing_job_is_its_own(monkeypatch):
    import ray.exceptions

    from kdoffload import ray_jobs as engine
    from kdoffload.model.errors import InputError

    monkeypatch.setattr(engine, "_import_ray", lambda: _FakeRay(ray.exceptions.LocalRayletDiedError()))
    with pytest.raises(InputError, match=r"cluster failed under the jobs \(LocalRayletDiedError.*rerun resumes"):
        list(engine.ray_jobs()(print, [(1,), (2,)], {}))
    own = ray.exceptions.RayTaskError("job", "traceback", ValueError("the job's own error"))
    monkeypatch.setattr(engine, "_import_ray", lambda: _FakeRay(own))
    with pytest.raises(ray.exceptions.RayTaskError):
        list(engine.ray_jobs()(print, [(1,)], {}))
