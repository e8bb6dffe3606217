"""The latency comparison: every way to make one offloading decision, same states, one run.

Paths: the exact oracle; teacher and student in eager PyTorch; the teacher's .pte and the shipped
(int8) student's through the ExecuTorch Python runtime; the same two and the student's fp32
reference build through the native runner (argmax and verified top-K), with the runtime's floor
and the plain C++ loop of the fp32 weights beside them; optionally the student in onnxruntime.
Python paths run pinned to one core with one torch thread, the runner pins itself to the same
core. Ratios are taken within this one run (the machine is shared and noisy).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import torch

from kdoffload.evaluation import latency_native as native
from kdoffload.evaluation import latency_paths as paths
from kdoffload.evaluation.latency_checks import must_show
from kdoffload.evaluation.latency_report import device_info, figure, markdown
from kdoffload.mobile_export.config import ExportConfig, floor_path, pte_path
from kdoffload.mobile_export.golden import golden_vectors
from kdoffload.mobile_export.policy import PteModel, load_pte
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.dataset import Demonstrations
from kdoffload.model.decider import DecoderConfig
from kdoffload.model.features import Support, build_features
from kdoffload.model.io import atomic_write_json, atomic_write_text

MODELS = ("teacher", "student")
# The exports timed: (label, export). The shipped student is the one the checks judge; its fp32
# reference build carries the weights the plain C++ loop runs.
EXPORTS = (("teacher", ExportConfig(model="teacher")), ("student", ExportConfig.shipped()),
           ("student fp32", ExportConfig()))


@dataclass
class LatencyConfig:
    states: int = 2000          # test states every path decides, in the same order
    oracle_states: int = 300    # the exact solver takes ~0.1 s a state on dag10: the first ones
    warmup: int = 200           # untimed Python calls before each path
    native_iters: int = 20000   # the runner cycles through the states this many times in all
    native_warmup: int = 1000
    cpu: int = 0


@dataclass
class Sources:
    """Where the models are: checkpoints (eager) and the export directory (.pte, manifests)."""

    checkpoints: dict[str, Path]
    export_dir: Path
    backend: str = "xnnpack"

    def pte(self, cfg: ExportConfig) -> Path:
        return pte_path(self.export_dir, cfg)


def record(path: str, runtime: str, model: str, fields: dict, load_ms: float | None,
           device: dict, cpu: int, decoder: str = "argmax", load_status: int = 0,
           quantization: str = "fp32") -> dict:
    return {"path": path, "runtime": runtime,
            "benchmarkModel": {"name": model, "backend": runtime, "quantization": quantization,
                               "decoder": decoder},
            **fields, "model_load_time(ms)": load_ms, "load_status": load_status,
            "deviceInfo": device, "threads": 1, "cpu_pinning": [cpu]}


def python_records(test: Demonstrations, src: Sources, pte: dict[str, PteModel], cfg: LatencyConfig,
                   device: dict) -> list[dict]:
    profile = test.profile
    singles = [test.states[k] for k in range(min(cfg.states, len(test)))]
    out = [record("oracle (exact)", "python", "oracle", paths.latency_fields(paths.time_each(
        paths.oracle_decision(profile), singles[: cfg.oracle_states], min(cfg.warmup, 20))),
        None, device, cfg.cpu, decoder="exact")]
    for model in MODELS:
        began = time.perf_counter()
        checkpoint = load_checkpoint(src.checkpoints[model], model, profile)
        net, norm = checkpoint.net(), checkpoint.normalizer
        load_ms = (time.perf_counter() - began) * 1e3
        fields = paths.latency_fields(paths.time_each(paths.eager_decision(profile, net, norm),
                                                      singles, cfg.warmup))
        out.append(record(f"{model} eager", "pytorch", model, fields, load_ms, device, cfg.cpu))
        fields = paths.latency_fields(paths.time_each(pte[model].decider.decide, singles, cfg.warmup))
        quant = quantization(pte[model])
        out.append(record(f"{row_name(model, quant)} .pte (Python runtime)",
                          "executorch-python", model, fields, pte[model].program.load_time_ms, device,
                          cfg.cpu, quantization=quant))
        if model == "student":
            out.append(onnx_record(profile, net, norm, singles, cfg, device))
    return [r for r in out if r is not None]


def onnx_record(profile, net, norm, singles, cfg: LatencyConfig, device: dict) -> dict | None:
    if paths.onnx_missing():
        return None
    onnx = paths.OnnxStudent.of(net)
    fields = paths.latency_fields(paths.time_each(onnx.decision(profile, norm), singles, cfg.warmup))
    return record("student onnxruntime", "onnxruntime", "student", fields, onnx.load_time_ms,
                  device, cfg.cpu)


def quantization(exported: PteModel) -> str:
    return exported.manifest["export"]["quantization"]


def row_name(model: str, quant: str) -> str:
    """"teacher", "student int8": the student is timed in two builds, so its rows say which."""
    return f"{model} {quant}" if model == "student" else model


def native_records(test: Demonstrations, src: Sources, pte: dict[str, PteModel], runner: Path,
                   out_dir: Path, cfg: LatencyConfig) -> list[dict]:
    """Every export through kdo_bench on the benchmark states; the shipped student with the
    runtime's floor beside it, the fp32 student with the plain C++ loop of its weights."""
    profile = test.profile
    states = test.states[: min(cfg.states, len(test))]
    out = []
    for label, export in EXPORTS:
        exported = pte[label]
        decider, manifest = exported.decider, exported.manifest
        features = decider.normalizer(build_features(profile, states))
        config = DecoderConfig.from_manifest(manifest["decoder"])
        golden = golden_vectors(profile, states, features, exported.program.logits(features), config,
                                Support.from_dict(manifest["features"]["support"]))
        stem = label.replace(" ", "_")
        manifest_file = native.bench_manifest(manifest, golden, out_dir / f"{stem}.bench.manifest.json")
        floor = floor_path(src.export_dir, src.backend) if label == "student" else None
        reference = label == "student fp32"
        raw = native.run_runner(runner, src.pte(export), manifest_file, out_dir / f"{stem}.native.json",
                                cfg.native_iters, cfg.native_warmup, floor, reference, cfg.cpu)
        out += runner_records(export.model, quantization(exported), raw, cfg, config.top_k)
    return out


def runner_records(model: str, quant: str, raw: dict, cfg: LatencyConfig, k: int) -> list[dict]:
    device, load_ms, status = raw["deviceInfo"], raw["model_load_time(ms)"], raw["load_status"]
    decisions = raw["decisions"]
    name = row_name(model, quant)
    named = [(f"{name} .pte native", "pte", "argmax"), (f"{name} .pte native top-{k}", "pte", "topk"),
             ("floor native", "floor", "argmax"), ("C++ loop (no runtime)", "reference", "argmax"),
             (f"C++ loop top-{k}", "reference", "topk")]
    out = []
    for path, source, decoder in named:
        timing = decisions.get(source, {}).get(decoder)
        if timing is None:
            continue
        fields = {key: timing[key] for key in ("avg_inference_latency(ms)",
                                               "trimmean_inference_latency(ms)", "p50_us",
                                               "p90_us", "p99_us", "min_us", "max_us")}
        fields["samples"] = timing["iters"]
        runtime = {"pte": "executorch-c++", "floor": "executorch-c++", "reference": "c++"}[source]
        load = decisions["floor"].get("model_load_time(ms)") if source == "floor" else (
            load_ms if source == "pte" else None)
        out.append(record(path, runtime, "floor" if source == "floor" else model, fields, load,
                          device, cfg.cpu, decoder if decoder == "argmax" else f"top-{k}", status,
                          "fp32" if source == "reference" else quant))
    return out


def run_latency(test: Demonstrations, src: Sources, runner: Path | None, out_dir: Path,
                cfg: LatencyConfig = LatencyConfig()) -> dict:
    """Time every path, write latency.json / latency.md / latency.png to out_dir; returns the result."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    pte = {label: load_pte(test.profile, src.pte(export), decoder="argmax") for label, export in EXPORTS}
    device = device_info()
    skipped = []
    affinity, threads = os.sched_getaffinity(0), torch.get_num_threads()
    os.sched_setaffinity(0, {cfg.cpu})
    torch.set_num_threads(1)
    try:
        records = python_records(test, src, pte, cfg, device)
    finally:
        os.sched_setaffinity(0, affinity)
        torch.set_num_threads(threads)
    if paths.onnx_missing():
        skipped.append({"path": "student onnxruntime", "reason": paths.onnx_missing()})
    if runner is None:
        skipped.append({"path": "native runner", "reason": "kdo_bench not built"})
    else:
        records += native_records(test, src, pte, runner, out_dir, cfg)
    result = {"profile": test.profile.name, "states": min(cfg.states, len(test)), "cpu": cfg.cpu,
              "deviceInfo": device, "settings": vars(cfg), "records": records, "skipped": skipped,
              "student_pte_bytes": pte["student"].manifest["pte"]["size_bytes"],
              "student_quantization": quantization(pte["student"]),
              "exact_solver": "chain DP" if test.profile.is_chain else "exhaustive"}
    result["checks"] = must_show(result)
    atomic_write_json(out_dir / "latency.json", result)
    atomic_write_text(out_dir / "latency.md", markdown(result))
    figure(result, out_dir / "latency.png")
    return result
