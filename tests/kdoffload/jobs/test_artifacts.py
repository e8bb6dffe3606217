"""require(): an artifact that exists is checked and used; only a missing one is made."""

from __future__ import annotations

import pytest

from kdoffload.jobs.artifacts import require
from kdoffload.model.errors import InputError


def test_a_missing_artifact_is_made_once(tmp_path):
    made = []
    path = tmp_path / "a.txt"
    assert require(path, lambda: (made.append(1), path.write_text("x"))) == path
    assert require(path, lambda: made.append(2)) == path
    assert made == [1]


def test_an_existing_artifact_is_checked_not_made(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")

    def refuse(p):
        raise InputError(f"{p}: too old")

    with pytest.raises(InputError, match="too old"):
        require(path, lambda: pytest.fail("made again"), refuse)
