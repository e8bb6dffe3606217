import math

import pytest
import torch
import torch.nn.functional as F

from kdoffload.distill.loss import UNLABELLED, KDLoss


def test_hand_computed_case():
    # One state, one subtask. Student logits (0, 0, 0): uniform. Teacher logits (ln 2, 0, 0) at
    # T = 1: p_t = (1/2, 1/4, 1/4). KL(p_t || uniform) = sum p log(p / (1/3)).
    student = torch.zeros(1, 1, 3)
    teacher = torch.tensor([[[math.log(2.0), 0.0, 0.0]]])
    label = torch.tensor([[1]])
    kl = 0.5 * math.log(1.5) + 2 * 0.25 * math.log(0.75)
    ce = math.log(3.0)
    loss, kd, ce_term = KDLoss(temperature=1.0, alpha=0.25)(student, teacher, label)
    assert kd.item() == pytest.approx(kl, rel=1e-6)
    assert ce_term.item() == pytest.approx(ce, rel=1e-6)
    assert loss.item() == pytest.approx(0.25 * kl + 0.75 * ce, rel=1e-6)


def test_temperature_squared_scaling():
    # At T = 2 the teacher (2 ln 2, 0, 0) / 2 is the T = 1 case above; the term is scaled by T^2.
    student = torch.zeros(1, 1, 3)
    teacher = torch.tensor([[[2 * math.log(2.0), 0.0, 0.0]]])
    kl = 0.5 * math.log(1.5) + 2 * 0.25 * math.log(0.75)
    loss, kd, _ = KDLoss(temperature=2.0, alpha=1.0)(student, teacher, torch.tensor([[0]]))
    assert kd.item() == pytest.approx(kl, rel=1e-6)
    assert loss.item() == pytest.approx(4 * kl, rel=1e-6)


def test_t1_alpha0_is_plain_cross_entropy():
    torch.manual_seed(0)
    student, teacher = torch.randn(32, 6, 3), torch.randn(32, 6, 3)
    labels = torch.randint(0, 3, (32, 6))
    loss, _, _ = KDLoss(temperature=1.0, alpha=0.0)(student, teacher, labels)
    assert loss.item() == pytest.approx(F.cross_entropy(student.reshape(-1, 3), labels.reshape(-1)).item(), rel=1e-6)


def test_unlabelled_rows_train_on_the_teacher_alone():
    torch.manual_seed(1)
    student, teacher = torch.randn(4, 2, 3), torch.randn(4, 2, 3)
    labels = torch.full((4, 2), UNLABELLED)
    loss, kd, ce = KDLoss(2.0, 0.5)(student, teacher, labels)
    assert ce.item() == 0.0
    assert loss.item() == pytest.approx(0.5 * 4 * kd.item(), rel=1e-6)


def test_matching_the_teacher_costs_no_kd():
    logits = torch.randn(8, 3, 3)
    _, kd, _ = KDLoss(4.0, 0.9)(logits, logits, torch.zeros(8, 3, dtype=torch.long))
    assert abs(kd.item()) < 1e-6


@pytest.mark.parametrize("t,a", [(0.0, 0.5), (1.0, 1.5), (-1.0, 0.5)])
def test_bad_settings_are_refused(t, a):
    with pytest.raises(ValueError):
        KDLoss(t, a)
