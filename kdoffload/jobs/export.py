"""The export job: a checkpoint lowered to a verified .pte with its manifest, and the export
every other job requires (made first unless `current_export` says it is current)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

from kdoffload.jobs.artifacts import Refused
from kdoffload.jobs.data import load_split
from kdoffload.jobs.reporter import Reporter
from kdoffload.mobile_export import export as exporter
from kdoffload.mobile_export.config import ExportConfig, manifest_path
from kdoffload.mobile_export.verify import ExportRefused
from kdoffload.model.errors import InputError
from kdoffload.model.profile import Profile
from kdoffload.model.runs import Runs

T = TypeVar("T")


@dataclass(frozen=True)
class ExportJob:
    profile: Profile
    cfg: ExportConfig


def run(job: ExportJob, reporter: Reporter):
    """The checkpoint of runs/<profile>/<model>/ through export and verification."""
    profile, cfg = job.profile, job.cfg
    checkpoint = _checkpoint(profile, cfg)
    read = exporter.read_checkpoint(profile, checkpoint, cfg.model)  # a bad checkpoint fails before any work
    train, test = _splits(profile, reporter)
    result = _refusal_is_one_line(lambda: exporter.export_checkpoint(profile, read, train, test,
                                                                     Runs(profile.name).export, cfg))
    v = result.verification
    reporter.show(f"{result.pte}: {result.size_bytes:,} bytes; {v.test_states:,} test states, max "
                  f"|logit - eager| {v.max_abs_logit_error:.2e}, argmax agreement "
                  f"{v.argmax_agreement:.3%}, mean delay ratio argmax {v.mean_ratio_pte:.4f} (eager "
                  f"{v.mean_ratio_eager:.4f}), guarded {v.guarded_ratio_pte:.4f} (eager "
                  f"{v.guarded_ratio_eager:.4f}); {result.seconds:.1f} s")
    reporter.show(f"{result.manifest}\n{result.floor}")
    return result


def ensure_export(profile: Profile, cfg: ExportConfig, reporter: Reporter) -> None:
    """`cfg`'s export of the present checkpoint, made first unless it is current (the rule of
    `mobile_export.export.current_export`)."""
    export_dir = Runs(profile.name).export
    if not manifest_path(export_dir, cfg).exists():
        _checkpoint(profile, cfg)  # nothing to use and nothing to make it from: say so first
    _refusal_is_one_line(lambda: exporter.current_export(
        profile, Runs(profile.name).checkpoint(cfg.model), export_dir, cfg, lambda: _splits(profile, reporter),
        lambda: reporter.note(f"exporting {profile.name} {cfg.stem} ...")))


def _checkpoint(profile: Profile, cfg: ExportConfig):
    checkpoint = Runs(profile.name).checkpoint(cfg.model)
    if not checkpoint.is_file():  # before any dataset is generated for nothing
        raise InputError(f"{checkpoint}: no such checkpoint (kdoffload train / distill make it)")
    return checkpoint


def _splits(profile: Profile, reporter: Reporter):
    """(train, test) demonstrations, generated first if missing."""
    test = load_split(profile, "test", reporter)
    return load_split(profile, "train", reporter), test


def _refusal_is_one_line(make: Callable[[], T]) -> T:
    """`make()`; an export that verification refuses is a Refused: one line, exit code 1."""
    try:
        return make()
    except ExportRefused as err:
        raise Refused(f"export refused: {err}") from None
