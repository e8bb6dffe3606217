"""The policy registry: every name a report or the simulator uses is one entry of it."""

import pytest

from kdoffload.model.errors import InputError
from kdoffload.model.policies import ALIASES, BASELINES, OPTIMAL, POLICIES, SIMULATED, canonical, make_policy


def test_every_listed_name_and_alias_is_a_registry_entry():
    assert set(BASELINES) | set(SIMULATED) | set(ALIASES.values()) <= set(POLICIES)
    assert not set(ALIASES) & set(POLICIES)


def test_the_optimum_has_one_name(chain6):
    assert make_policy(OPTIMAL, chain6).name == OPTIMAL == make_policy("oracle", chain6).name
    assert canonical("oracle-native") == "optimal-native"


def test_a_registry_policy_is_named_as_its_entry(chain6):
    for name in BASELINES:
        assert make_policy(name, chain6, seed=1).name == name


def test_an_unknown_name_is_one_input_error(chain6):
    with pytest.raises(InputError, match="policy 'telepathy': unknown"):
        make_policy("telepathy", chain6)
