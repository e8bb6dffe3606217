import numpy as np
import pytest

from kdoffload.model import native
from kdoffload.model.errors import InputError
from kdoffload.model.policies import POLICIES
from kdoffload.model.states import sample_states
from kdoffload.scheduler.engines import DecisionTime, EngineSet, make_engine


def test_every_registry_policy_decides_one_state(dag10):
    state = sample_states(dag10, 1, np.random.default_rng(0))
    for name in POLICIES:
        if name.endswith("-native") and not native.available():
            continue
        engine = make_engine(name, dag10)
        placement, wall = engine.decide(state)
        assert engine.name == name and len(placement) == dag10.n and wall > 0
        assert set(placement) <= {0, 1, 2}


def test_an_unknown_policy_names_itself_and_the_known_ones(dag10):
    with pytest.raises(InputError) as err:
        make_engine("telepathy", dag10)
    assert "'telepathy'" in str(err.value) and "optimal" in str(err.value) and "greedy" in str(err.value)
    with pytest.raises(InputError, match="named twice"):
        EngineSet.parse("greedy,greedy")
    with pytest.raises(InputError, match="named twice"):
        EngineSet.parse("oracle,optimal")  # the old name is an alias of the one name


def test_the_optimum_has_one_name_and_the_old_one_is_an_alias(dag10):
    assert EngineSet.parse("oracle,greedy").names == ("optimal", "greedy")
    assert make_engine("oracle", dag10).name == "optimal" == make_engine("optimal", dag10).policy.name


def test_a_learned_policy_is_passed_by_name(dag10):
    class Constant:
        name = "student"

        def __init__(self, profile):
            self.n = profile.n

        def decide(self, states):
            return np.ones((len(states), self.n), dtype=np.int8)

    chosen = EngineSet.parse("student,optimal", {"student": Constant})
    assert chosen.names == ("student", "optimal")
    placement, _ = chosen.make("student", dag10, 0).decide(sample_states(dag10, 1, np.random.default_rng(0)))
    assert placement == [1] * dag10.n


@pytest.mark.parametrize("text, charged", [("zero", 0.0), ("measured", 0.25), ("fixed:30", 30e-6)])
def test_decision_time_charges(text, charged):
    assert DecisionTime.parse(text).charge(0.25) == pytest.approx(charged)


@pytest.mark.parametrize("text", ["fixed", "fixed:-1", "fixed:x", "wall"])
def test_bad_decision_time_is_an_input_error(text):
    with pytest.raises(InputError, match="decision time"):
        DecisionTime.parse(text)


def test_a_learned_engine_counts_decisions_out_of_its_support(dag10):
    from kdoffload.model.decider import Decider, Decoder, DecoderConfig
    from kdoffload.model.features import Normalizer, Support, build_features
    from kdoffload.scheduler.engines import Engine
    from kdoffload.scheduler.metrics import summarise
    from kdoffload.scheduler.stream import Scenario, counted_workload, simulate

    workload = counted_workload(dag10, 30, seed=2).at_rate(0.5)
    features = build_features(dag10, workload.states)
    # A support fitted on the first ten states: most of the others leave it somewhere.
    support = Support.fit(features[:10])
    decider = Decider(dag10, Normalizer.fit(features), lambda x: np.zeros((len(x), dag10.n, 3), np.float32),
                      DecoderConfig(Decoder.GUARDED, 2, 4), support, "guarded")
    flagged = support.outside(features)
    summary = summarise(simulate(dag10, Engine("guarded", decider), workload, DecisionTime("zero"),
                                 Scenario()), dag10.edge_cores)
    assert summary.out_of_support == pytest.approx(flagged.mean()) and 0 < flagged.mean() < 1
    baseline = summarise(simulate(dag10, make_engine("greedy", dag10), workload, DecisionTime("zero"),
                                  Scenario()), dag10.edge_cores)
    assert baseline.out_of_support is None
