"""Speed of the exact expert and of demonstration generation (pytest-benchmark).

`make bench` times these; `make test` runs each once with timing disabled so they cannot rot.
"""

import os

import numpy as np

from kdoffload.model import dataset, oracle

# One core for the solvers: numpy must not fan out behind the measurement's back.
os.environ.setdefault("OMP_NUM_THREADS", "1")


def test_exhaustive_dag10_one_state(benchmark, profiles, bench_states):
    states = bench_states["dag10"]
    counter = iter(range(10**9))
    benchmark.extra_info.update(unit="per state", placements=3**10)
    x, t = benchmark(lambda: oracle.exhaustive_one(profiles["dag10"], states, next(counter) % len(states)))
    assert np.isfinite(t)


def test_chain_dp_batch_of_4096(benchmark, profiles, bench_states):
    states = bench_states["chain6"]
    benchmark.extra_info.update(unit="per batch", batch=len(states))
    x, t = benchmark(oracle.chain_dp, profiles["chain6"], states)
    assert x.shape == (len(states), 6)


def test_chain_dp_one_state(benchmark, profiles, bench_states):
    one = bench_states["chain6"][0]
    benchmark.extra_info.update(unit="per state", batch=1)
    benchmark(oracle.chain_dp, profiles["chain6"], one)


def test_demonstrations_chain6_200k_two_workers(benchmark, profiles, tmp_path, request):
    disabled = request.config.getoption("benchmark_disable")
    samples = 8192 if disabled else 200_000  # `make test` only checks that it still runs
    benchmark.extra_info.update(unit="per run", samples=samples, workers=2)
    counter = iter(range(10**9))

    def run():
        return dataset.generate(profiles["chain6"], samples, 0, tmp_path / f"d{next(counter)}.npz", workers=2)

    path = benchmark.pedantic(run, rounds=1 if disabled else 3, iterations=1)
    assert path.exists()
