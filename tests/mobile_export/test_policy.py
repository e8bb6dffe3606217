"""The .pte as a Decider: the same decisions as the eager network, one state per call."""

import numpy as np

from kdoffload.evaluation.quality import with_decoders
from kdoffload.mobile_export.policy import load_pte_decider
from kdoffload.model.decider import TOP_K, Decoder, DecoderConfig
from kdoffload.model.learned import net_decider
from kdoffload.model.states import sample_states, shifted_profile


def test_pte_decider_decides_like_eager(exported, student, support, test_demos, chain6_profile):
    net, normalizer = student
    states = test_demos.states[:200]
    for decoder in Decoder:
        pte = load_pte_decider(chain6_profile, exported.pte, decoder)
        eager = net_decider(chain6_profile, net, normalizer, "student", DecoderConfig(decoder), support)
        assert (pte.decide(states) == eager.decide(states)).all()
    assert load_pte_decider(chain6_profile, exported.pte, "argmax").name == "student-pte"
    assert load_pte_decider(chain6_profile, exported.pte, "topk").name == f"student-pte+top{TOP_K}"
    assert load_pte_decider(chain6_profile, exported.pte).name == "student-pte+guarded"


def test_a_k_beyond_the_widened_k_scores_eager_and_pte_guarded_rows_alike(exported, student, support,
                                                                         chain6_profile):
    # `evaluate --top-k 64`: the eager rows come from with_decoders, the .pte rows from the
    # manifest (ood_top_k 32) with K 64; both must widen out of support to max(64, 32).
    net, normalizer = student
    eager = with_decoders(net_decider(chain6_profile, net, normalizer, "student", support=support), "student", 64)
    eager_guarded = next(d for d in eager if d.config.decoder is Decoder.GUARDED)
    pte = load_pte_decider(chain6_profile, exported.pte, Decoder.GUARDED, 64)
    assert eager_guarded.config == pte.config == DecoderConfig(Decoder.GUARDED, 64, 64)
    states = sample_states(shifted_profile(chain6_profile, 4.0), 200, np.random.default_rng(3))
    flagged = pte.out_of_support(states)
    assert flagged.any() and not flagged.all()
    assert (pte.decide(states) == eager_guarded.decide(states)).all()


def test_one_state_batch(exported, chain6_profile, test_demos):
    pte = load_pte_decider(chain6_profile, exported.pte)
    assert pte.decide(test_demos.states[0]).shape == (1, chain6_profile.n)
