"""Reading arrays from an .npz a user brings: every member's header checked before it is read.

np.load trusts a member's header: a 1 KB member that declares [1e10, 40] would be allocated
in full before a byte is read. Here the declared shape and dtype are read first and the size
is bounded by the bytes the member really holds, so a hostile header is one line naming the
file and the member, not an allocation. The value rules of the state fields live here too:
a dataset and a states file obey the same ones.
"""

from __future__ import annotations

import math
import zipfile
from pathlib import Path

import numpy as np

from kdoffload.model.errors import InputError
from kdoffload.model.graphs import MAX_MAGNITUDE
from kdoffload.model.profile import Profile

MAX_MEMBER_BYTES = 8 << 30  # a member's declared size, at most (a 1M-state dag10 dataset is ~0.3 GB)
NON_NEGATIVE = {"edge_wait", "lat_wireless", "lat_backhaul", "in_bits"}


def _declared(archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str) -> tuple[tuple, np.dtype]:
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(member)
        elif version == (2, 0):
            shape, _, dtype = np.lib.format.read_array_header_2_0(member)
        else:
            raise InputError(f"{source}: member {info.filename}: .npy version {version} is not read here")
    if dtype.hasobject:
        raise InputError(f"{source}: member {info.filename}: holds Python objects, not numbers")
    declared = math.prod(shape) * dtype.itemsize
    if declared > min(info.file_size, MAX_MEMBER_BYTES):
        raise InputError(f"{source}: member {info.filename}: its header declares {shape} of "
                         f"{dtype} ({declared:,} bytes) but the member holds {info.file_size:,}")
    return shape, dtype


def read_members(path: Path, names: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The members `names` that the .npz holds (absent ones are left out), headers checked first."""
    source = str(path)
    out = {}
    try:
        with zipfile.ZipFile(path) as archive:
            infos = {i.filename.removesuffix(".npy"): i for i in archive.infolist()}
            for name in names:
                if name not in infos:
                    continue
                _declared(archive, infos[name], source)
                with archive.open(infos[name]) as member:
                    out[name] = np.lib.format.read_array(member, allow_pickle=False)
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, NotImplementedError) as err:
        if isinstance(err, InputError):
            raise
        raise InputError(f"{source}: not a readable .npz ({type(err).__name__})") from None
    return out


def check_shape(source: str, name: str, array: np.ndarray, shape: tuple, dtype=None) -> None:
    """`array` of exactly `shape` (and `dtype`, when given): one line naming the member if not."""
    if array.shape != shape:
        raise InputError(f"{source}: {name} has shape {array.shape}, expected {shape}")
    if dtype is not None and array.dtype != np.dtype(dtype):
        raise InputError(f"{source}: {name} is {array.dtype}, expected {np.dtype(dtype)}")


def check_finite(source: str, name: str, array: np.ndarray) -> None:
    bad = ~np.isfinite(array)
    if bad.any():
        row = int(np.argwhere(bad)[0][0])
        raise InputError(f"{source}: {name}: row {row} holds a value that is not finite "
                         f"({array.reshape(len(array), -1)[row].tolist()[:8]})")


def check_state_values(source: str, profile: Profile, arrays: dict[str, np.ndarray]) -> None:
    """Every state field finite, and positive where the delay model divides or takes a log."""
    for f, values in arrays.items():
        if f == "in_bits":
            values = values[:, list(profile.entries)]
        bad = ~np.isfinite(values) | ((values < 0) if f in NON_NEGATIVE else (values <= 0))
        if bad.any():
            row = int(np.argwhere(bad)[0][0])
            need = "non-negative" if f in NON_NEGATIVE else "positive"
            raise InputError(f"{source}: {f}: state {row} holds {values.reshape(len(values), -1)[row].tolist()}, "
                             f"every value must be a finite {need} number")


# Each time the delay model derives from a state: work over a clock, bits over a rate.
_DERIVED_TIMES = (("cycles", "f_device"), ("cycles", "f_edge"), ("cycles", "f_cloud"),
                  ("out_bits", "rate_up"), ("out_bits", "rate_down"), ("out_bits", "rate_backhaul"),
                  ("in_bits", "rate_up"), ("in_bits", "rate_backhaul"))


MAX_TIME_S = MAX_MAGNITUDE


def check_derived_times(source: str, arrays: dict[str, np.ndarray]) -> None:
    """Every compute and transfer time a state gives is at most MAX_TIME_S (a clock of 1e-308
    Hz is positive and finite, but turns any work into an infinite delay): one line naming the
    divisor."""
    with np.errstate(over="ignore", divide="ignore"):
        for amount, divisor in _DERIVED_TIMES:
            times = arrays[amount] / arrays[divisor][:, None]
            bad = ~(times <= MAX_TIME_S)
            if bad.any():
                row, col = (int(v) for v in np.argwhere(bad)[0])
                raise InputError(f"{source}: {divisor}: state {row} holds {arrays[divisor][row]!r}, which "
                                 f"makes {amount}[{col}] / {divisor} = {times[row, col]:g} s, more than {MAX_TIME_S:g}")
