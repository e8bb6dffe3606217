"""The .pte as a Decider: the same decisions as the eager network, one state per call."""

from mobile_export.policy import load_pte_decider
from model.decider import Decoder, DecoderConfig
from model.learned import net_decider


def test_pte_decider_decides_like_eager(exported, student, support, test_demos, chain6_profile):
    net, normalizer = student
    states = test_demos.states[:200]
    for decoder in Decoder:
        pte = load_pte_decider(chain6_profile, exported.pte, decoder)
        eager = net_decider(chain6_profile, net, normalizer, "student", DecoderConfig(decoder, 8, 32), support)
        assert (pte.decide(states) == eager.decide(states)).all()
    assert load_pte_decider(chain6_profile, exported.pte, "argmax").name == "student-pte"
    assert load_pte_decider(chain6_profile, exported.pte, "topk").name == "student-pte+top8"
    assert load_pte_decider(chain6_profile, exported.pte).name == "student-pte+guarded"


def test_one_state_batch(exported, chain6_profile, test_demos):
    pte = load_pte_decider(chain6_profile, exported.pte)
    assert pte.decide(test_demos.states[0]).shape == (1, chain6_profile.n)
