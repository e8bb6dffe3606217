"""A user's states: .npz or CSV in, the same States out; every bad file named in one line."""

import numpy as np
import pytest

from kdoffload.model.errors import InputError
from kdoffload.model.states import STATE_FIELDS
from kdoffload.model.states_file import columns, load_states
from tests.conftest import states_for


def write_csv(path, profile, states, edit=None):
    cols = columns(profile)
    rows = []
    for k in range(len(states)):
        values = {f"{f}_{i}": getattr(states, f)[k, i] for f in ("cycles", "out_bits", "in_bits")
                  for i in range(profile.n)}
        values.update({f: getattr(states, f)[k] for f in STATE_FIELDS if f not in values})
        rows.append([repr(float(values[c])) for c in cols])
    if edit:
        cols, rows = edit(cols, rows)
    path.write_text("\n".join(",".join(r) for r in [cols, *rows]) + "\n")
    return path


@pytest.mark.parametrize("name", ["chain6", "dag10"])
def test_csv_and_npz_give_the_same_states(name, tmp_path, request):
    profile = request.getfixturevalue(name)
    states = states_for(profile, 7, seed=2)
    from_csv = load_states(write_csv(tmp_path / "s.csv", profile, states), profile)
    np.savez(tmp_path / "s.npz", **states.to_dict())
    from_npz = load_states(tmp_path / "s.npz", profile)
    for f in STATE_FIELDS:
        np.testing.assert_array_equal(getattr(from_csv, f), getattr(states, f))
        np.testing.assert_array_equal(getattr(from_npz, f), getattr(states, f))


def test_bad_files_are_named(tmp_path, chain6):
    states = states_for(chain6, 3, seed=1)
    cases = {
        "missing column": (lambda c, r: (c[1:], [x[1:] for x in r]), "column cycles_0 missing"),
        "not a number": (lambda c, r: (c, [["fast", *r[0][1:]], *r[1:]]), "line 2, column cycles_0"),
        "negative": (lambda c, r: (c, [["-1", *r[0][1:]], *r[1:]]), "cycles: state 0"),
        "nan": (lambda c, r: (c, [["nan", *r[0][1:]], *r[1:]]), "cycles: state 0"),
        "short row": (lambda c, r: (c, [r[0][:3], *r[1:]]), "line 2"),
        "no states": (lambda c, r: (c, []), "at least one state"),
    }
    for label, (edit, needle) in cases.items():
        path = write_csv(tmp_path / "bad.csv", chain6, states, edit)
        with pytest.raises(InputError, match=needle):
            load_states(path, chain6)
    (tmp_path / "latin.csv").write_bytes("cycles_0\n\xe9\n".encode("latin-1"))
    with pytest.raises(InputError, match="not UTF-8"):
        load_states(tmp_path / "latin.csv", chain6)
    (tmp_path / "torn.npz").write_bytes(b"PK\x03\x04 torn")
    with pytest.raises(InputError, match="not a readable .npz"):
        load_states(tmp_path / "torn.npz", chain6)
    np.savez(tmp_path / "short.npz", **{**states.to_dict(), "cycles": np.ones((3, 4))})
    with pytest.raises(InputError, match=r"cycles has shape \(3, 4\)"):
        load_states(tmp_path / "short.npz", chain6)
