"""Speed of the native core's exact solvers, through ctypes and in C++ (pytest-benchmark).

A ctypes call costs about a microsecond by itself, so each benchmark also records the solver's
own time per state, measured in C++ around each call (`native.time_solve_ns`), as extra_info:
`cpp_median_us` and `cpp_p99_us` over the 4096 benchmark states.
"""

import numpy as np
import pytest

from kdoffload.model import dataset, native

pytestmark = pytest.mark.skipif(not native.available(), reason=f"libkdocore.so missing ({native.BUILD_HINT})")


def cpp_times(benchmark, profile, states, method: str) -> None:
    ns = native.time_solve_ns(profile, states, method, rounds=1)
    _, _, nodes = native.solve_with_nodes(profile, states, method)
    benchmark.extra_info.update(cpp_median_us=float(np.median(ns)) / 1e3,
                                cpp_p99_us=float(np.percentile(ns, 99)) / 1e3,
                                nodes_median=float(np.median(nodes)), nodes_p99=float(np.percentile(nodes, 99)))


def test_branch_and_bound_dag10_one_state(benchmark, profiles, bench_states):
    states = bench_states["dag10"]
    one = [states[k] for k in range(256)]  # sliced beforehand: the timing is the call, not numpy
    counter = iter(range(10**9))
    benchmark.extra_info.update(unit="per state, through ctypes")
    cpp_times(benchmark, profiles["dag10"], states, "branch_bound")
    x, t = benchmark(lambda: native.solve(profiles["dag10"], one[next(counter) % len(one)]))
    assert np.isfinite(t).all()


def test_chain_dp_chain6_one_state(benchmark, profiles, bench_states):
    states = bench_states["chain6"]
    one = [states[k] for k in range(256)]
    counter = iter(range(10**9))
    benchmark.extra_info.update(unit="per state, through ctypes")
    cpp_times(benchmark, profiles["chain6"], states, "chain_dp")
    x, t = benchmark(lambda: native.solve(profiles["chain6"], one[next(counter) % len(one)]))
    assert np.isfinite(t).all()


def test_demonstrations_dag10_1m_native_two_workers(benchmark, profiles, tmp_path, request):
    disabled = request.config.getoption("benchmark_disable")
    samples = 8192 if disabled else 1_000_000  # `make test` only checks that it still runs
    benchmark.extra_info.update(unit="per run", samples=samples, workers=2, solver="native")
    counter = iter(range(10**9))

    def run():
        return dataset.generate(profiles["dag10"], samples, 0, tmp_path / f"d{next(counter)}.npz",
                                workers=2, solver="native")

    path = benchmark.pedantic(run, rounds=1, iterations=1)
    assert path.exists()
