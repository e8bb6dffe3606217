"""The .pte as a Policy: the same decisions as the eager network, one state per call."""

from mobile_export.policy import load_pte_policy
from model.learned import NetPolicy


def test_pte_policy_decides_like_eager(exported, student, test_demos, chain6_profile):
    net, normalizer = student
    states = test_demos.states[:200]
    for decoder in ("argmax", "topk"):
        pte = load_pte_policy(chain6_profile, exported.pte, decoder)
        eager = NetPolicy(chain6_profile, net, normalizer, "student", decoder, 8)
        assert (pte.decide(states) == eager.decide(states)).all()
    assert load_pte_policy(chain6_profile, exported.pte).name == "student-pte"
    assert pte.name == "student-pte+top8"


def test_one_state_batch(exported, chain6_profile, test_demos):
    pte = load_pte_policy(chain6_profile, exported.pte)
    assert pte.decide(test_demos.states[0]).shape == (1, chain6_profile.n)
