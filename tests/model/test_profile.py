import numpy as np
import pytest
from typer.testing import CliRunner

from kdoffload.cli import app
from kdoffload.model.errors import InputError
from kdoffload.model.profile import CONFIG_DIR, load_profile, profile_from_dict, shannon_rate
from kdoffload.model.states import sample_states

GOOD = (CONFIG_DIR / "chain6.toml").read_text()

BAD = [
    ("unknown top-level key", GOOD + "\ncolour = 'red'\n", "colour: unknown key"),
    ("unknown range key", GOOD + "speed = [1.0, 2.0]\n", "ranges.speed: unknown key"),
    ("wrong type", GOOD.replace("edge_cores = 2", "edge_cores = 'two'"), "edge_cores: must be an integer"),
    ("wrong range type", GOOD.replace("f_edge = [4e9, 16e9]", "f_edge = 'fast'"), "ranges.f_edge: must be a [low, high] pair"),
    ("non-positive clock", GOOD.replace("f_edge = [4e9, 16e9]", "f_edge = [0.0, 16e9]"), "ranges.f_edge: must be positive"),
    ("non-positive rate", GOOD.replace("rate_backhaul = [1e7, 3e8]", "rate_backhaul = [-1e7, 3e8]"), "ranges.rate_backhaul: must be positive"),
    ("non-positive cycles", GOOD.replace("cycles = [1e7, 2e9]", "cycles = [0, 2e9]"), "ranges.cycles: must be positive"),
    ("non-positive bits", GOOD.replace("out_bits = [1e4, 4e7]", "out_bits = [-5.0, 4e7]"), "ranges.out_bits: must be positive"),
    ("negative latency", GOOD.replace("lat_wireless = [0.001, 0.01]", "lat_wireless = [-0.001, 0.01]"), "ranges.lat_wireless: must not be negative"),
    ("low above high", GOOD.replace("f_edge = [4e9, 16e9]", "f_edge = [16e9, 4e9]"), "ranges.f_edge: low"),
    ("cyclic graph", GOOD.replace("[4, 5]]", "[4, 5], [5, 3]]"), "graph.edges: the graph is cyclic: 3 -> 4 -> 5 -> 3"),
    ("not topological", GOOD.replace("[4, 5]]", "[4, 5], [5, 0]]").replace("[0, 1], ", ""), "not in topological order"),
    ("too many subtasks", GOOD.replace("n = 6", "n = 65"), "graph.n: 65 subtasks is more than the 64"),
    ("edge outside graph", GOOD.replace("[4, 5]]", "[4, 6]]"), "graph.edges: [4, 6] names a subtask outside"),
    ("not toml", "name = = 3", "not valid TOML"),
]


@pytest.mark.parametrize("case,text,message", BAD, ids=[c[0] for c in BAD])
def test_bad_profiles_give_one_line_and_exit_2(tmp_path, case, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError, match=None) as err:
        load_profile(path)
    assert message in str(err.value)
    result = CliRunner().invoke(app, ["data", "--profile", str(path), "--samples", "10",
                                      "--out", str(tmp_path / "d.npz")])
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0]
    assert "bad.toml" in lines[0]
    assert not (tmp_path / "d.npz").exists()


def test_unknown_profile_name():
    result = CliRunner().invoke(app, ["data", "--profile", "chain7"])
    assert result.exit_code == 2
    assert "no such profile" in result.output


@pytest.mark.parametrize("name", ["chain6", "dag10"])
def test_profiles_round_trip_through_their_dict_form(name):
    profile = load_profile(name)
    assert profile_from_dict(profile.to_dict()) == profile


def test_dag10_graph_shape(dag10):
    assert dag10.entries == (0,) and dag10.exits == (9,)
    assert dag10.preds[7] == (2, 4, 6)
    assert not dag10.is_chain


def test_sampled_states_lie_in_their_ranges(chain6, rng):
    states = sample_states(chain6, 5000, rng)
    r = chain6.ranges
    assert states.cycles.min() >= r.cycles[0] and states.cycles.max() <= r.cycles[1]
    assert np.all(states.in_bits[:, 1:] == 0) and np.all(states.in_bits[:, 0] > 0)
    assert np.all(states.rate_down >= 2 * states.rate_up) and np.all(states.rate_down <= 5 * states.rate_up)


def test_shannon_rate_at_the_cell_edge():
    # 1 km: 128.1 dB path loss; 0.2 W is 23.01 dBm; noise -165 dBm/Hz + 70 dB over 10 MHz.
    snr_db = 10 * np.log10(0.2) + 30 - 128.1 - (-174.0 + 9.0 + 70.0)
    rate = shannon_rate(10e6, 1000.0, 0.2, -174.0, 9.0)
    assert rate == pytest.approx(10e6 * np.log2(1 + 10 ** (snr_db / 10)), rel=1e-9)
    assert 1.3e6 < rate < 1.4e6
