"""A model that fails verification leaves nothing behind; int8 reports agreement and delay ratio."""

import pytest

from kdoffload.mobile_export import export as export_module
from kdoffload.mobile_export.config import ExportConfig
from kdoffload.mobile_export.export import export_model
from kdoffload.mobile_export.lower import export_bytes
from kdoffload.mobile_export.verify import ExportRefused
from kdoffload.model.errors import InputError


def test_a_program_that_is_not_the_network_is_refused(chain6_profile, student, support, test_demos, tmp_path,
                                                      monkeypatch):
    net, normalizer = student
    other = type(net)(net.config).eval()  # same shape, other weights
    monkeypatch.setattr(export_module, "export_bytes", lambda *a, **k: export_bytes(other, "xnnpack", "fp32"))
    with pytest.raises(ExportRefused, match="a logit differs from eager"):
        export_model(chain6_profile, net, normalizer, support, test_demos, tmp_path / "out", ExportConfig())
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


@pytest.mark.slow
def test_int8_reports_agreement_and_ratio(chain6_profile, student, support, test_demos, tmp_path):
    net, normalizer = student
    calibration = normalizer(test_demos.features)
    result = export_model(chain6_profile, net, normalizer, support, test_demos, tmp_path,
                          ExportConfig(quantization="int8", max_ratio_worsening=1.0), calibration)
    v = result.verification
    assert 0.5 < v.argmax_agreement <= 1.0
    assert v.max_abs_logit_error > 0  # int8 is not bit-exact, only judged on decisions
    # The guarded decoder scores the argmax placement among its candidates: never worse.
    assert 1.0 <= v.guarded_ratio_pte <= v.mean_ratio_pte + 1e-12
    assert result.pte.name == "student_xnnpack_int8.pte"
    # The shipped format: the default student's int8 program stays within a phone's 32 KB.
    assert result.size_bytes <= 32 * 1024 < 4 * net.parameter_count()
    with pytest.raises(ExportRefused, match="guarded mean delay ratio"):
        export_model(chain6_profile, net, normalizer, support, test_demos, tmp_path / "strict",
                     ExportConfig(quantization="int8", max_ratio_worsening=-1.0), calibration)
    assert not (tmp_path / "strict").exists()


def test_bad_settings_are_user_errors():
    for bad in ({"backend": "metal"}, {"quantization": "int4"}, {"model": "oracle"},
                {"backend": "portable", "quantization": "int8"}):
        with pytest.raises(InputError):
            ExportConfig(**bad)


def test_int8_calibration_reaches_past_the_training_ranges(train_demos, student):
    from kdoffload.mobile_export.export import calibration_features

    _, normalizer = student
    seen = normalizer(train_demos.features)
    calibration = calibration_features(train_demos, normalizer, 200)
    assert calibration.shape == (400, seen.shape[1])
    inside, widened = calibration[:200], calibration[200:]
    assert (inside <= seen.max(axis=0)).all() and (inside >= seen.min(axis=0)).all()
    assert (widened > seen.max(axis=0)).any(axis=1).mean() > 0.5  # most reach past some feature's range
