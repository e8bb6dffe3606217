"""Where a profile's graph comes from: an inline table, a graph file, or a daggen family."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from kdoffload.model import daggen
from kdoffload.model.graph_import import DOT_SUFFIXES, WFFORMAT_SUFFIXES
from kdoffload.model.graphs import TaskGraph, graph_from_dict, is_int, read_graph


def load_graph_table(raw, source: str, base_dir: Path | None, fail) -> TaskGraph:
    """`graph` of a profile: a table, or a graph file's path relative to `base_dir`."""
    if isinstance(raw, str):
        path = Path(raw) if Path(raw).is_absolute() or base_dir is None else base_dir / raw
        if path.suffix in DOT_SUFFIXES + WFFORMAT_SUFFIXES:  # its cycles need the import's choices
            raise fail("graph", f"{raw} is a {'DOT' if path.suffix in DOT_SUFFIXES else 'WfFormat'} file; "
                       f"import it first (kdoffload graph import {raw} --out G.toml) and name the .toml")
        return read_graph(path)
    if not isinstance(raw, dict):
        raise fail("graph", "must be a table with n and edges, or a graph file's path")
    return graph_from_dict(raw, source)


def check_family(raw, source: str, fail, allow_family: bool):
    """(params, None) for a family, (None, its graph) when a seed picks one graph of it."""
    if not isinstance(raw, dict) or set(raw) - {"daggen", "seed"} or not isinstance(raw.get("daggen"), dict):
        raise fail("family", "must be a table with a [family.daggen] table and an optional seed")
    params = daggen.params_from_dict(raw["daggen"], f"{source}: family.daggen")
    seed = raw.get("seed")
    if seed is not None:
        if not is_int(seed) or seed < 0:
            raise fail("family.seed", f"must be a non-negative integer, got {seed!r}")
        return None, daggen.generate(params, np.random.default_rng(seed))
    if not allow_family:
        raise fail("family", "each state draws its own graph here, which only `kdoffload graph "
                   "demos` handles; add a seed for one graph of the family")
    return params, None


def spec_profile(spec: str) -> dict:
    """The profile table a `daggen:...[,seed=K]` spec stands for (defaults everywhere else)."""
    params, seed = daggen.parse_spec(spec)
    # A name is a folder under runs/: the spec's digest keeps families apart within 64 characters.
    digest = hashlib.sha256(params.spec().encode()).hexdigest()[:8]
    sizes = f"{params.n}-{params.n_max}" if params.n_max else f"{params.n}"
    raw = {"name": f"daggen-n{sizes}-{digest}" + ("" if seed is None else f"-s{seed}"),
           "family": {"daggen": params.__dict__}}
    if seed is not None:
        raw["family"]["seed"] = seed
    return raw
