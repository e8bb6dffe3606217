"""The simulator's shipped guarded student scores its candidates as the profile's manifest says."""

from kdoffload.jobs import engines
from kdoffload.mobile_export.config import ExportConfig
from kdoffload.model.profile import load_profile


def _configs(monkeypatch, tmp_path, profile_name: str) -> dict:
    checkpoint = tmp_path / "student.pt"
    checkpoint.write_bytes(b"")
    monkeypatch.setattr(engines.Runs, "checkpoint", lambda self, network: checkpoint)
    monkeypatch.setattr(engines, "load_net_decider", lambda path, kind, profile, name, config: (config,))
    made = engines.checkpoint_engines()
    profile = load_profile(profile_name)
    return {name: made[name](profile) for name in
            ("student+guarded", "student+guarded-current", "student+guarded-backlog", "student+top8")}


def test_an_observing_profile_ships_backlog_scoring(monkeypatch, tmp_path):
    configs = _configs(monkeypatch, tmp_path, "chain6-dyn")
    assert configs["student+guarded"].rate_estimate == "backlog"
    assert configs["student+guarded"] == configs["student+guarded-backlog"]
    assert configs["student+guarded-current"].rate_estimate == "current"
    assert configs["student+top8"].rate_estimate == "current"
    assert ExportConfig().decoder_for(load_profile("chain6-dyn")).to_manifest()["rate_estimate"] == "backlog"


def test_a_profile_without_observations_scores_from_an_idle_phone(monkeypatch, tmp_path):
    configs = _configs(monkeypatch, tmp_path, "chain6")
    assert configs["student+guarded"].rate_estimate == "current"
    assert configs["student+guarded"] == configs["student+guarded-current"]
