"""The graph student's generalisation table: families x N x policy, T/T* on certified states.

Every set is drawn with a seed no training or validation file used, so each of its graphs is
new; the held-out mixes are families the student never trained on, and N = 40 and 50 are larger
than any graph it trained on. Only certified states enter a ratio (how many certify is a column:
past N = 20 few do within the solver's budget). Policies: the student's argmax, the guarded
decision (model/graph_decoding.py: beam, greedy, HEFT, single-site, one-flip search), the same
decoder on all-zero logits ("guarded-zeros": a guide that knows nothing, the control that says
what the student's logits buy), HEFT, greedy, and the best single-site placement per state.
"HEFT gap closed" is (HEFT mean - guarded mean) / (HEFT mean - 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from kdoffload.distill.graph_data import HELD_OUT_MIXES, TRAIN_MIXES, DemoPlan, GraphDemos, load_demos, make_demos
from kdoffload.distill.graph_model import load_graph_net
from kdoffload.distill.graph_train import Tensors, forward_all
from kdoffload.model.decoding import single_site_candidates
from kdoffload.model.graph_decoding import guarded_decision, heft_placements
from kdoffload.model.graph_features import cut_states, graph_groups
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.metrics import ratio_metrics
from kdoffload.model.policies import Greedy
from kdoffload.model.runs import GraphStudentLayout

POLICIES = ("argmax", "guarded", "guarded-zeros", "heft", "greedy", "single-site")
EVAL_SEED = 2  # training files use seed 0, validation 1


@dataclass(frozen=True)
class EvalSet:
    label: str  # the row's family name in the table
    plan: DemoPlan


def _family_sets(label: str, mixes: tuple[str, ...], sizes) -> list[EvalSet]:
    return [EvalSet(f"{label} N={n}", DemoPlan(mixes=mixes, sizes=((n, count),), profiles=(), seed=EVAL_SEED))
            for n, count in sizes]


@dataclass(frozen=True)
class GraphEvalConfig:
    run_dir: Path
    sets: tuple[EvalSet, ...] = field(default_factory=lambda: tuple(
        _family_sets("held-out", HELD_OUT_MIXES, ((8, 100), (12, 100), (16, 50), (20, 15)))
        + _family_sets("training mixes, new graphs", TRAIN_MIXES, ((12, 50),))
        # Few states past N = 20: an uncertified search spends its whole node budget (seconds).
        + _family_sets("held-out", HELD_OUT_MIXES[:2], ((40, 6), (50, 4)))
        + [EvalSet(name, DemoPlan(mixes=(), sizes=(), profiles=(name,), profile_states=500, seed=EVAL_SEED))
           for name in ("chain6", "dag10")]))
    solver: str = "native"


def policy_placements(demos: GraphDemos, logits: np.ndarray) -> dict[str, np.ndarray]:
    """Each policy's placements [S, 64] (0 past n), graph by graph."""
    out = {name: np.zeros(demos.labels.shape, dtype=np.int8) for name in POLICIES}
    out["argmax"] = logits.argmax(-1).astype(np.int8)
    for profile, members in graph_groups(demos.n, demos.pred_mask):
        n, states = profile.n, cut_states(demos.states[members], profile.n)
        out["guarded"][members, :n] = guarded_decision(profile, states, logits[members, :n])
        out["guarded-zeros"][members, :n] = guarded_decision(profile, states, np.zeros((len(members), n, 3)))
        out["heft"][members, :n] = heft_placements(profile, states)
        out["greedy"][members, :n] = Greedy(profile).decide(states)
    singles = [demos.delays(np.broadcast_to(c, demos.labels.shape).astype(np.int8))
               for c in single_site_candidates(1, 64)[0]]
    out["single-site"] = np.argmin(np.stack(singles), axis=0).astype(np.int8)[:, None].repeat(64, axis=1)
    return out


def policy_delays(demos: GraphDemos, net) -> dict[str, np.ndarray]:
    data = Tensors.of(net.normalizer(demos.inputs()), demos.n, demos.labels)
    logits = forward_all(net.net, data).numpy()
    return {name: demos.delays(p) for name, p in policy_placements(demos, logits).items()}


def evaluate_set(demos: GraphDemos, net) -> dict:
    """The row of one set: counts, per policy the ratio figures on certified states, and on the
    states the solver did not certify each policy's mean T over the best placement anyone found
    (the search's incumbent or a policy's): no optimum, so only a comparison between them."""
    row = {"states": len(demos), "certified": int(demos.certified.sum())}
    certified = demos.subset(np.flatnonzero(demos.certified))
    if len(certified):
        for name, delay in policy_delays(certified, net).items():
            row[name] = ratio_metrics(delay / certified.optimal_delay)
        heft, guarded = row["heft"]["mean_ratio"], row["guarded"]["mean_ratio"]
        row["heft_gap_closed"] = (heft - guarded) / (heft - 1) if heft > 1 else None
    open_ = demos.subset(np.flatnonzero(~demos.certified))
    if len(open_):
        delay = policy_delays(open_, net)
        best = np.minimum(open_.optimal_delay, np.min(np.stack(list(delay.values())), axis=0))
        row["uncertified_vs_best_found"] = {name: float((d / best).mean()) for name, d in delay.items()}
    return row


def table(rows: dict[str, dict]) -> str:
    """The markdown table of docs/graphs.md: mean / p99 T/T* per policy."""
    head = ("| set | certified / states | " + " | ".join(f"{p} mean / p99" for p in POLICIES)
            + " | HEFT gap closed |")
    lines = [head, "|" + "---|" * (len(POLICIES) + 3)]
    for label, row in rows.items():
        cells = [f"{row['certified']} / {row['states']}"]
        cells += [f"{row[p]['mean_ratio']:.3f} / {row[p]['p99_ratio']:.3f}" if p in row else "–"
                  for p in POLICIES]
        closed = row.get("heft_gap_closed")
        cells.append("–" if closed is None else f"{100 * closed:.0f}%")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def open_table(rows: dict[str, dict]) -> str:
    """Where the solver left states uncertified: each policy's mean T / best found."""
    lines = ["| set | uncertified | " + " | ".join(POLICIES) + " |", "|" + "---|" * (len(POLICIES) + 2)]
    for label, row in rows.items():
        if "uncertified_vs_best_found" in row:
            cells = [str(row["states"] - row["certified"])]
            cells += [f"{row['uncertified_vs_best_found'][p]:.3f}" for p in POLICIES]
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def run(cfg: GraphEvalConfig, log=print) -> Path:
    """Evaluate runs/<run>/student.pt on every set; writes generalisation.{json,md} beside it."""
    torch.set_num_threads(1)
    net = load_graph_net(GraphStudentLayout(cfg.run_dir).student, "graph-student")
    rows = {}
    for item in cfg.sets:
        paths = make_demos(item.plan, cfg.run_dir / "eval-data", cfg.solver, log=log)
        rows[item.label] = evaluate_set(load_demos(paths), net)
        log(f"{item.label}: {rows[item.label]['certified']} of {rows[item.label]['states']} certified")
    atomic_write_json(cfg.run_dir / "generalisation.json", rows)
    out = cfg.run_dir / "generalisation.md"
    atomic_write_text(out, table(rows) + "\nUncertified states, T / best found:\n\n" + open_table(rows))
    return out
