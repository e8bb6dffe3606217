"""A task stream on a trace with short near-empty windows pays for the windows, not for minutes."""

import numpy as np

from kdoffload.model.states import sample_states
from kdoffload.scheduler.engines import DecisionTime, make_engine
from kdoffload.scheduler.stream import Scenario, Workload, simulate
from kdoffload.scheduler.traces import TraceFiles


def trace_csv(path, rows):
    path.write_text("time_s,rate_up,rate_down\n" + "".join(f"{0.1 * k:.1f},{up},{4 * up}\n"
                                                           for k, up in enumerate(rows)))
    return TraceFiles(csv=path)


def test_dips_in_100ms_rows_cost_about_their_share_of_the_time(chain6, tmp_path):
    # 100 ms rows at 2 Mbit/s, every 10th row at 1 bit/s: the link is there 90% of the time.
    dips = trace_csv(tmp_path / "dips.csv", [1 if k % 10 == 3 else 2_000_000 for k in range(600)])
    even = trace_csv(tmp_path / "even.csv", [1_800_000] * 600)
    states = sample_states(chain6, 60, np.random.default_rng(2))
    workload = Workload(np.sort(np.random.default_rng(3).uniform(0, 300, 60)), states, 301.0)

    def mean_e2e(files):
        result = simulate(chain6, make_engine("all-edge", chain6, 0), workload, DecisionTime("zero"),
                          Scenario(trace=files))
        return np.mean([r.done - r.arrival for r in result.records])

    # A transfer that starts in a dip waits at most 100 ms for the rate to come back; holding the
    # dip's rate for its whole length, it took days.
    assert mean_e2e(dips) < 1.3 * mean_e2e(even)
