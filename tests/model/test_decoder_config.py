"""`DecoderConfig`, the one home of the decoder defaults and of the widening rule."""

from kdoffload.model.decider import OOD_TOP_K, TOP_K, Decoder, DecoderConfig


def test_the_defaults_are_k_and_the_widened_k():
    assert DecoderConfig() == DecoderConfig(Decoder.GUARDED, TOP_K, OOD_TOP_K)
    assert TOP_K <= OOD_TOP_K


def test_out_of_support_k_is_never_below_k():
    assert DecoderConfig(Decoder.GUARDED, 64).ood_top_k == 64
    assert DecoderConfig(Decoder.GUARDED, 64, OOD_TOP_K) == DecoderConfig(Decoder.GUARDED, 64, 64)
    assert DecoderConfig(Decoder.GUARDED, 2).ood_top_k == OOD_TOP_K


def test_the_manifest_block_round_trips_and_the_callers_choice_wins():
    block = DecoderConfig().to_manifest()
    assert block == {"default": "guarded", "top_k": TOP_K, "ood_top_k": OOD_TOP_K}
    assert DecoderConfig.from_manifest(block) == DecoderConfig()
    assert DecoderConfig.from_manifest(block, "topk", 64) == DecoderConfig(Decoder.TOPK, 64, 64)
