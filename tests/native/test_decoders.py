"""The C++ decoders against model/decoding.py on the same logits, ties included.

Half the logits lie on a coarse grid, so placements tie on log-probability (an int8 program's
logits tie too): the beam's order and every tie rule must agree, not only the common case.
"""

import numpy as np
import pytest

from kdoffload.model import native
from kdoffload.model.decider import OOD_TOP_K, TOP_K, Decoder, DecoderConfig, decode
from kdoffload.model.errors import InputError
from tests.conftest import states_for


def logits_with_ties(profile, count: int, rng: np.random.Generator) -> np.ndarray:
    logits = rng.normal(0, 2, size=(count, profile.n, 3)).astype(np.float32)
    coarse = rng.random(count) < 0.5
    logits[coarse] = rng.integers(-2, 3, size=(int(coarse.sum()), profile.n, 3)).astype(np.float32) * 0.5
    return logits


@pytest.mark.parametrize("name", ["chain6", "dag10"])
@pytest.mark.parametrize("decoder", list(Decoder))
# (1, 32) and (8, 32) as shipped; (64, 32) asks for more than the widened K: out of support
# both sides must take max(64, 32), the widening rule of DecoderConfig.
@pytest.mark.parametrize("top_k, ood_top_k", [(1, OOD_TOP_K), (TOP_K, OOD_TOP_K), (64, OOD_TOP_K)])
def test_the_cpp_decoders_place_as_python_does(request, name, decoder, top_k, ood_top_k):
    profile = request.getfixturevalue(name)
    rng = np.random.default_rng([top_k, len(name)])
    states = states_for(profile, 600, 11)
    logits = logits_with_ties(profile, len(states), rng)
    flagged = rng.random(len(states)) < 0.3
    config = DecoderConfig(decoder, top_k, ood_top_k)
    expected = decode(profile, states, logits, config, flagged)
    got = native.decode(profile, states, logits, decoder.value, top_k, ood_top_k, flagged)
    assert np.array_equal(got, expected)


def test_bad_decoder_input_is_one_line(chain6):
    states = states_for(chain6, 4, 0)
    logits = np.zeros((4, chain6.n, 3), dtype=np.float32)
    with pytest.raises(InputError, match="decoder 'beam'"):
        native.decode(chain6, states, logits, "beam", 8, 32, np.zeros(4, dtype=bool))
    with pytest.raises(InputError, match="logits: shape"):
        native.decode(chain6, states, logits[:, :2], "topk", 8, 32, np.zeros(4, dtype=bool))
    with pytest.raises(InputError, match="top_k"):
        native.decode(chain6, states, logits, "topk", 8, 0, np.zeros(4, dtype=bool))
