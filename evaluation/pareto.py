"""Student size against quality and decision time: the sweep behind the default student.

Every candidate is a student of other hidden widths, distilled exactly as the default one (same
teacher, rows, transfer set, (T, alpha), seed and epochs), then exported as fp32 and as int8.
Each export is measured where it will run: its size in bytes, its decision time through the
native runner (which first replays the export's golden vectors), and its decision quality on
the test set through the exported program itself, so int8's rounding is in the numbers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kdoffload.distill.student import DistillConfig, Member, student_data, train_members
from kdoffload.evaluation import latency_native
from kdoffload.mobile_export.config import ExportConfig
from kdoffload.mobile_export.export import current_export
from kdoffload.mobile_export.policy import load_pte
from kdoffload.mobile_export.verify import ExportRefused
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.dataset import Demonstrations
from kdoffload.model.decider import TOP_K, Decoder, DecoderConfig, decode
from kdoffload.model.metrics import delay_ratio
from kdoffload.model.widths import hidden_name
from kdoffload.model.parallel import JobMap
from kdoffload.model.profile import Profile
from kdoffload.model.runs import ParetoLayout
from kdoffload.model.train import run_finished

SIZE_LIMIT = 32 * 1024   # bytes of .pte a default student may take
ARGMAX_P50_LIMIT = 3.0   # µs, native, one decision, argmax
TOPK_LABEL, GUARDED_LABEL = f"top-{TOP_K}", f"guarded-{TOP_K}"  # the shipped K's columns
DECODERS = (("argmax", Decoder.ARGMAX, 1), ("top-2", Decoder.TOPK, 2), (TOPK_LABEL, Decoder.TOPK, TOP_K),
            ("guarded-2", Decoder.GUARDED, 2), (GUARDED_LABEL, Decoder.GUARDED, TOP_K))


# Two-layer students from a fraction of the fp32 default's parameters to several times it (int8
# holds about four times as many in the same bytes), and three-layer ones from fp32-affordable
# (48 wide) to int8-affordable sizes.
DEFAULT_GRID = [(32, 32), (56, 56), (64, 64), (96, 96), (128, 128), (160, 160),
                (48, 48, 48), (64, 64, 64), (96, 96, 96)]


def train_candidates(profile: Profile, demos: Demonstrations, teacher: Path, dcfg: DistillConfig,
                     temperature: float, alpha: float, grid: list[tuple[int, ...]], paths: ParetoLayout,
                     jobs: JobMap | None = None, on_member=None, on_epoch=None) -> None:
    """Distil one student per hidden widths; finished ones are kept as they are."""
    members = [Member(f"student {hidden_name(h)}", "plain", temperature, alpha, dcfg.train,
                      paths.checkpoint(h), h) for h in grid
               if not run_finished(paths.checkpoint(h), "student", dcfg.train, profile)]
    if not members:
        return  # before the teacher labels anything
    for m in members:
        m.checkpoint.parent.mkdir(parents=True, exist_ok=True)
    data = student_data(profile, demos, load_checkpoint(teacher, "teacher", profile), dcfg.transfer_samples,
                        dcfg.transfer_seed, with_regret=dcfg.train.regret_weight > 0)
    train_members(profile, demos, {"plain": data}, members, True,
                  {"transfer_samples": dcfg.transfer_samples, "sweep": "size"}, jobs, on_member, on_epoch)


def candidate_export(profile: Profile, checkpoint: Path, train: Demonstrations, test: Demonstrations,
                     export_dir: Path, cfg: ExportConfig) -> tuple[Path | None, str | None]:
    """The candidate's export (`current_export`): (pte, None) or (None, why it was refused)."""
    try:
        return current_export(profile, checkpoint, export_dir, cfg, lambda: (train, test)), None
    except ExportRefused as err:
        return None, str(err)


def quality(profile: Profile, test: Demonstrations, pte: Path) -> dict[str, float]:
    """Mean delay ratio on `test` of the exported program with each decoder."""
    decider = load_pte(profile, pte, decoder="argmax").decider
    logits = decider.logits(test.states)  # one program call per state, as on the phone
    flagged = decider.out_of_support(test.states)
    out = {}
    for label, decoder, k in DECODERS:
        placements = decode(profile, test.states, logits, DecoderConfig(decoder, k), flagged)
        out[label] = float(delay_ratio(test, placements).mean())
    return out


def native_timing(runner: Path, pte: Path, scratch: Path, iters: int, cpu: int,
                  repeats: int = 3) -> dict[str, dict]:
    """p50 / p99 µs of one decision per decoder, through the native runner on one pinned core.

    The median over `repeats` runs of the runner: on a shared machine one run's p50 can be
    thrown off by a neighbour, and the selection compares p50 with a limit.
    """
    manifest = pte.with_name(pte.name.removesuffix(".pte") + ".manifest.json")
    runs = [latency_native.run_runner(runner, pte, manifest, scratch, iters, min(1000, iters), cpu=cpu)
            ["decisions"]["pte"] for _ in range(repeats)]
    return {name: {key: float(np.median([r[name][key] for r in runs])) for key in ("p50_us", "p99_us")}
            for name in runs[0]}


def measure(profile: Profile, train: Demonstrations, test: Demonstrations, grid: list[tuple[int, ...]],
            quants: list[str], top_k: int, paths: ParetoLayout, runner: Path | None, iters: int = 20_000,
            cpu: int = 0, on_row=None) -> list[dict]:
    """One row per (hidden widths, quantisation): size, native time, quality."""
    rows = []
    for hidden in grid:
        checkpoint = paths.checkpoint(hidden)
        saved = load_checkpoint(checkpoint, "student", profile)
        for quant in quants:
            cfg = ExportConfig(quantization=quant, top_k=top_k)
            row = {"hidden": list(hidden), "name": hidden_name(hidden), "quant": quant,
                   "params": saved.net().parameter_count(), "val_mean_ratio": saved.best_score}
            pte, refused = candidate_export(profile, checkpoint, train, test, paths.export_dir(hidden), cfg)
            if pte is None:
                rows.append({**row, "refused": refused})
                if on_row:
                    on_row(rows[-1])
                continue
            row["pte_bytes"] = pte.stat().st_size
            row["quality"] = quality(profile, test, pte)
            if runner is not None:
                row["native"] = native_timing(runner, pte, paths.export_dir(hidden) / f"{quant}.native.json",
                                              iters, cpu)
            rows.append(row)
            if on_row:
                on_row(row)
    return rows


def pareto_front(rows: list[dict], cost) -> set[int]:
    """Indices of rows no other row beats on both guarded quality and `cost(row)`."""
    scored = [(i, r["quality"][GUARDED_LABEL], cost(r)) for i, r in enumerate(rows)
              if "quality" in r and cost(r) is not None]
    return {i for i, q, c in scored
            if not any((q2 <= q and c2 <= c) and (q2 < q or c2 < c) for _, q2, c2 in scored)}


def argmax_p50(row: dict) -> float | None:
    return row.get("native", {}).get("argmax", {}).get("p50_us")


def select(rows: list[dict]) -> int | None:
    """The best guarded quality within SIZE_LIMIT bytes and ARGMAX_P50_LIMIT µs (ties: top-K, size)."""
    fits = [i for i, r in enumerate(rows) if "quality" in r and r["pte_bytes"] <= SIZE_LIMIT
            and argmax_p50(r) is not None and argmax_p50(r) <= ARGMAX_P50_LIMIT]
    if not fits:
        return None
    return min(fits, key=lambda i: (rows[i]["quality"][GUARDED_LABEL], rows[i]["quality"][TOPK_LABEL],
                                    rows[i]["pte_bytes"]))


def summarise(profile: Profile, rows: list[dict], test_samples: int, train_meta: dict,
              dcfg: DistillConfig, temperature: float, alpha: float, machine: dict) -> dict:
    by_time = pareto_front(rows, argmax_p50)
    by_size = pareto_front(rows, lambda r: r.get("pte_bytes"))
    for i, row in enumerate(rows):
        row["front_time"], row["front_size"] = i in by_time, i in by_size
    chosen = select(rows)
    return {"profile": profile.name, "test_samples": test_samples, "train_samples": train_meta.get("samples"),
            "transfer_samples": dcfg.transfer_samples, "epochs": dcfg.train.epochs, "seed": dcfg.train.seed,
            "temperature": temperature, "alpha": alpha, "size_limit": SIZE_LIMIT,
            "argmax_p50_limit_us": ARGMAX_P50_LIMIT, "rows": rows,
            "selected": None if chosen is None else {"name": rows[chosen]["name"], "quant": rows[chosen]["quant"]},
            "machine": machine}
