"""The graph student to one .pte and its manifest: static inputs padded to 64, verified first.

The lowering, the int8 quantizer and the runtime are mobile_export's own (lower.py,
runtime.py). Which build a phone gets is `choose_quantization`'s rule, not the per-profile
exporter's (int8 for a student on XNNPACK): int8 only where it is both smaller and, timed
natively in the same run, not slower than fp32; fp32 where it cannot be timed. The
program takes the four inputs of docs/formats.md ("Graph features"); normalisation stays with
the client, as for the single-graph student. Verification on drawn graphs of N = 5..64:
fp32 logits within the export's tolerance of eager; int8's guarded decisions at most
`max_ratio_worsening` slower on average than eager's (no optimum is needed for that). Only then
are the .pte and the manifest written, each atomically, the manifest last.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from kdoffload.distill.graph_data import HELD_OUT_MIXES, TRAIN_MIXES, GraphDemos, draw_graph_states
from kdoffload.distill.graph_model import GraphCheckpoint
from kdoffload.mobile_export.config import FORMAT_VERSION, ExportConfig
from kdoffload.mobile_export.lower import lower, quantize_int8_inputs
from kdoffload.mobile_export.manifest import file_record, versions
from kdoffload.mobile_export.runtime import PteProgram
from kdoffload.mobile_export.verify import ExportRefused
from kdoffload.model.graph_decoding import LOCAL_SEARCH_PASSES, PAIR_WORK, guarded_decision
from kdoffload.model.graph_features import GraphInputs, cut_states, graph_groups, recipe
from kdoffload.model.graph_family import edges_from_masks
from kdoffload.model.io import atomic_write, atomic_write_text
from kdoffload.model.profile import LABELS
from kdoffload.model.states import STATE_FIELDS

VERIFY_STATES = 96  # drawn graphs of N = 5..64, training and held-out mixes
CALIBRATION_STATES = 256
GOLDEN_SIZES = (5, 8, 12, 16, 20, 30, 40, 50, 64)  # training graphs stop at 20: the rest lie beyond


@dataclass
class GraphExportResult:
    pte: Path
    manifest: Path
    size_bytes: int
    verification: dict
    seconds: float


# Where the native runner is not built: fp32. At the widths trained (16-32, 2-3 rounds) int8's
# quantise and dequantise steps cost more than its arithmetic saves, so int8 was the slower
# build natively (docs/graphs.md, "Export").
DEFAULT_QUANTIZATION = "fp32"


def choose_quantization(builds: dict[str, dict]) -> tuple[str, str]:
    """The shipped build of the graph student and why, from {"fp32": {...}, "int8": {...}} with
    each build's "pte_bytes" and its native forward "p50_us" (None: not timed). int8 only if it
    was made, is smaller and was timed natively no slower than fp32; else fp32."""
    fp32, int8 = builds["fp32"], builds.get("int8")
    if int8 is None:
        return "fp32", "int8 not built (refused or not asked)"
    if int8["pte_bytes"] >= fp32["pte_bytes"]:
        return "fp32", f"int8 not smaller ({int8['pte_bytes']:,} against {fp32['pte_bytes']:,} bytes)"
    if fp32.get("p50_us") is None or int8.get("p50_us") is None:
        return DEFAULT_QUANTIZATION, "not timed natively (kdo_bench not built): the default, fp32"
    if int8["p50_us"] > fp32["p50_us"]:
        return "fp32", f"int8 slower natively (p50 {int8['p50_us']:.1f} against {fp32['p50_us']:.1f} µs)"
    return "int8", (f"int8 smaller ({int8['pte_bytes']:,} against {fp32['pte_bytes']:,} bytes) and not slower "
                    f"natively (p50 {int8['p50_us']:.1f} against {fp32['p50_us']:.1f} µs)")


def export_stem(cfg: ExportConfig) -> str:
    return f"graph_{cfg.stem}"


def state_tensors(inputs: GraphInputs, k: int) -> tuple[torch.Tensor, ...]:
    return tuple(torch.from_numpy(np.ascontiguousarray(a[k:k + 1])) for a in inputs.as_tuple())


def program_logits(program: PteProgram, inputs: GraphInputs) -> np.ndarray:
    """[S, 64, 3], one call per state as on the phone."""
    return np.stack([program.run(*state_tensors(inputs, k)).numpy()[0] for k in range(len(inputs))])


def eager_logits(checkpoint: GraphCheckpoint, inputs: GraphInputs) -> np.ndarray:
    with torch.inference_mode():
        return checkpoint.net(*(torch.from_numpy(a) for a in inputs.as_tuple())).numpy()


def guarded(demos: GraphDemos, logits: np.ndarray) -> np.ndarray:
    out = np.zeros(demos.labels.shape, dtype=np.int8)
    for profile, members in graph_groups(demos.n, demos.pred_mask):
        out[members, :profile.n] = guarded_decision(profile, cut_states(demos.states[members], profile.n),
                                                    logits[members, :profile.n])
    return out


def verify_graph_program(demos: GraphDemos, inputs: GraphInputs, program: PteProgram,
                         checkpoint: GraphCheckpoint, cfg: ExportConfig) -> tuple[dict, np.ndarray]:
    """The verification record and the program's logits; raises ExportRefused on failure."""
    got, want = program_logits(program, inputs), eager_logits(checkpoint, inputs)
    real = inputs.mask.astype(bool)
    report = {"states": len(inputs), "sizes": [int(demos.n.min()), int(demos.n.max())],
              "max_abs_logit_error": float(np.abs(got - want)[real].max()),
              "argmax_agreement": float((got.argmax(-1) == want.argmax(-1))[real].mean())}
    if cfg.quantization == "fp32":
        if report["max_abs_logit_error"] > cfg.logit_tolerance:
            raise ExportRefused(f"fp32 program differs from eager by {report['max_abs_logit_error']:.2e} "
                                f"(tolerance {cfg.logit_tolerance:g})")
    else:
        worsening = float((demos.delays(guarded(demos, got)) / demos.delays(guarded(demos, want))).mean() - 1)
        report["guarded_worsening"] = worsening
        if worsening > cfg.max_ratio_worsening:
            raise ExportRefused(f"int8 guarded decisions {100 * worsening:.2f}% slower than eager's "
                                f"(at most {100 * cfg.max_ratio_worsening:g}%)")
    return report, got


def golden_records(checkpoint: GraphCheckpoint, program: PteProgram, sizes=GOLDEN_SIZES) -> list[dict]:
    """Two states per size, one of a training mix and one of a held-out mix."""
    records = []
    for size in sizes:
        for k, mixes in enumerate((TRAIN_MIXES, HELD_OUT_MIXES)):
            demos = draw_graph_states(1, (size, size), seed=1000 + size, mixes=mixes[k:k + 1])
            inputs = checkpoint.normalizer(demos.inputs())
            logits = program_logits(program, inputs)
            placement, n = guarded(demos, logits)[0, :size], size
            records.append({
                "graph": {"n": n, "edges": [list(e) for e in edges_from_masks(n, demos.pred_mask[0])]},
                "beyond_training_sizes": size > 20, "held_out_family": bool(k),
                "state": {f: getattr(demos.states, f)[0, :n].tolist() if getattr(demos.states, f).ndim == 2
                          else float(getattr(demos.states, f)[0]) for f in STATE_FIELDS},
                "nodes": inputs.nodes[0, :n].tolist(), "scalars": inputs.scalars[0].tolist(),
                "logits": logits[0, :n].tolist(), "argmax_placement": logits[0, :n].argmax(-1).tolist(),
                "guarded_placement": placement.tolist(),
                "guarded_delay_s": float(demos.delays(np.pad(placement, (0, 64 - n))[None])[0])})
    return records


def export_graph_student(checkpoint: GraphCheckpoint, export_dir: Path, cfg: ExportConfig,
                         source: dict | None = None, verify_states: int = VERIFY_STATES,
                         golden_sizes: tuple[int, ...] = GOLDEN_SIZES) -> GraphExportResult:
    """Lower, verify, then write `graph_<model>_<backend>_<quant>.{pte,manifest.json}`."""
    started = time.perf_counter()
    net = checkpoint.net.eval()
    example = net.example_inputs()
    if cfg.quantization == "int8":
        calibration = checkpoint.normalizer(draw_graph_states(CALIBRATION_STATES, (5, 64), seed=31).inputs())
        module = quantize_int8_inputs(net, example, (state_tensors(calibration, k) for k in range(len(calibration))))
    else:
        module = net
    data = lower(module, example, cfg.backend)
    program = PteProgram(data, label=f"{export_stem(cfg)}.pte")
    demos = draw_graph_states(verify_states, (5, 64), seed=37, mixes=TRAIN_MIXES + HELD_OUT_MIXES)
    report, _ = verify_graph_program(demos, checkpoint.normalizer(demos.inputs()), program, checkpoint, cfg)
    pte_file = Path(export_dir) / f"{export_stem(cfg)}.pte"
    manifest_file = Path(export_dir) / f"{export_stem(cfg)}.manifest.json"
    manifest = {
        "format_version": FORMAT_VERSION, "kind": "graph-student",
        "graph_features": {**recipe(), **checkpoint.normalizer.to_dict(),
                           "normalisation": "client: (x - mean) / std per column; padding rows 0"},
        "input_shapes": [list(t.shape) for t in example], "output_shape": [1, 64, 3],
        "labels": list(LABELS), "pte": file_record(pte_file.name, data),
        "export": {"model": cfg.model, "backend": cfg.backend, "quantization": cfg.quantization,
                   "net_config": net.config.to_dict(), "parameters": net.parameter_count(),
                   "checkpoint": source, **versions()},
        # The local search's bounds travel with K, so a port decodes as the exporter did (a
        # manifest without pair_work decodes with no pair moves, as before them).
        "decoder": {**cfg.decoder.to_manifest(), "local_search_passes": LOCAL_SEARCH_PASSES,
                    "pair_work": PAIR_WORK},
        "verification": {**report, "logit_tolerance": cfg.logit_tolerance},
        "golden": golden_records(checkpoint, program, golden_sizes)}
    manifest["export"]["seconds"] = round(time.perf_counter() - started, 2)
    Path(export_dir).mkdir(parents=True, exist_ok=True)
    atomic_write(pte_file, lambda f: f.write(data))
    atomic_write_text(manifest_file, json.dumps(manifest, separators=(",", ":")) + "\n")
    return GraphExportResult(pte_file, manifest_file, len(data), report, time.perf_counter() - started)
