"""The .pte against eager PyTorch on the test set, before anything is written.

fp32 must reproduce eager: every logit within the tolerance and the same argmax placement on
nearly every state. int8 cannot match logits, so it is judged on what matters, the decisions the
phone makes: the argmax agreement and ratio are reported, and the mean delay ratio (delay /
optimal delay) of the shipped decoder (guarded) may not grow by more than the allowed share
over the fp32 network's.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import numpy as np
import torch

from kdoffload.mobile_export.config import ExportConfig
from kdoffload.mobile_export.runtime import PteProgram
from kdoffload.model.dataset import Demonstrations
from kdoffload.model.decider import decode
from kdoffload.model.decoding import argmax_placements
from kdoffload.model.features import Support
from kdoffload.model.metrics import delay_ratio
from kdoffload.model.nets import OffloadMLP


class ExportRefused(RuntimeError):
    """The exported program failed verification; the message says which check and by how much."""


@dataclass
class Verification:
    test_states: int
    max_abs_logit_error: float
    argmax_agreement: float
    mean_ratio_eager: float
    mean_ratio_pte: float
    guarded_ratio_eager: float  # the shipped decoder's mean delay ratio
    guarded_ratio_pte: float
    seconds: float

    @property
    def ratio_worsening(self) -> float:
        return self.mean_ratio_pte / self.mean_ratio_eager - 1.0

    @property
    def guarded_worsening(self) -> float:
        return self.guarded_ratio_pte / self.guarded_ratio_eager - 1.0

    def to_dict(self) -> dict:
        return {**asdict(self), "ratio_worsening": self.ratio_worsening,
                "guarded_worsening": self.guarded_worsening}


def verify(program: PteProgram, net: OffloadMLP, features: np.ndarray, test: Demonstrations,
           cfg: ExportConfig, support: Support | None = None) -> tuple[Verification, np.ndarray]:
    """Check the program on the normalised test features [S, F]; returns its logits [S, N, 3].

    `support` (the training support) lets the guarded decoder widen K where the manifest will.
    Raises ExportRefused with the failing check.
    """
    started = time.perf_counter()
    if program.input_width != features.shape[1]:
        raise ExportRefused(f"{program.label}: takes {program.input_width} inputs, the recipe "
                            f"builds {features.shape[1]}")
    pte_logits = program.logits(features)
    with torch.inference_mode():
        eager_logits = net(torch.from_numpy(features)).numpy()
    pte_placements, eager_placements = argmax_placements(pte_logits), argmax_placements(eager_logits)
    shipped = cfg.decoder
    flagged = None if support is None else support.outside(test.features)
    report = Verification(
        test_states=len(features),
        max_abs_logit_error=float(np.abs(pte_logits - eager_logits).max()),
        argmax_agreement=float((pte_placements == eager_placements).all(axis=1).mean()),
        mean_ratio_eager=_mean_ratio(test, eager_placements),
        mean_ratio_pte=_mean_ratio(test, pte_placements),
        guarded_ratio_eager=_mean_ratio(test, decode(test.profile, test.states, eager_logits, shipped, flagged)),
        guarded_ratio_pte=_mean_ratio(test, decode(test.profile, test.states, pte_logits, shipped, flagged)),
        seconds=time.perf_counter() - started)
    _judge(report, cfg)
    return report, pte_logits


def _mean_ratio(test: Demonstrations, placements: np.ndarray) -> float:
    return float(delay_ratio(test, placements).mean())


def _judge(report: Verification, cfg: ExportConfig) -> None:
    where = f"{cfg.stem} on {report.test_states} test states"
    # A NaN compares false with every bound below: it would pass them all and reach the manifest.
    for name, value in report.to_dict().items():
        if not np.isfinite(value):
            raise ExportRefused(f"{where}: {name} is {value}: the program or the test set gives "
                                f"values that are not finite")
    if cfg.quantization == "fp32":
        if not report.max_abs_logit_error <= cfg.logit_tolerance:
            raise ExportRefused(f"{where}: a logit differs from eager by {report.max_abs_logit_error:.3g} "
                                f"(allowed {cfg.logit_tolerance:g})")
        if report.argmax_agreement < cfg.min_agreement:
            raise ExportRefused(f"{where}: argmax placements agree with eager on "
                                f"{report.argmax_agreement:.3%} of states (need {cfg.min_agreement:.1%})")
    elif report.guarded_worsening > cfg.max_ratio_worsening:
        raise ExportRefused(f"{where}: guarded mean delay ratio {report.guarded_ratio_pte:.4f} against "
                            f"{report.guarded_ratio_eager:.4f} in fp32, {report.guarded_worsening:+.2%} "
                            f"(allowed +{cfg.max_ratio_worsening:.0%}); argmax placements agree on "
                            f"{report.argmax_agreement:.2%}")
