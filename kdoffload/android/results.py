"""The phone's result file: its schema (ExecuTorch's benchmark-app records), the file the bench
writes under runs/, and the rows it adds to the latency table."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np

from kdoffload.model.errors import InputError
from kdoffload.model.nesting import check_nesting
from kdoffload.model.runs import Runs

DECISION_TIMES = "decision_times(us)"
MODEL_FIELDS = ("name", "backend", "quantization")
DEVICE_TEXT, DEVICE_NUMBERS = ("device", "arch", "os"), ("totalMem", "availMem")
# A graph run's stages: the metric whose _p50(us) and _p99(us) the app wrote, and its decoder.
GRAPH_STAGES = {"features": ("features", None), "forward": ("inference", None),
                "decoder": ("decode", "guarded"), "decision": ("decision", "guarded"),
                "argmax_decision": ("decision", "argmax")}


def parse_results(raw: bytes, source: str) -> list[dict]:
    """The app's records, checked field by field; a one-line error names the first bad one."""
    try:
        text = raw.decode("utf-8")
        check_nesting(text, source)
        records = json.loads(text)
    except (UnicodeDecodeError, ValueError) as err:
        raise InputError(f"{source}: not JSON ({err})") from None
    if not isinstance(records, list) or not records:
        raise InputError(f"{source}: expected a non-empty JSON list of benchmark records")
    for k, record in enumerate(records):
        problem = _record_problem(record)
        if problem:
            raise InputError(f"{source}: record {k}: {problem}")
    return records


def refusal(records: list[dict]) -> str | None:
    """The app's one-line reason when its run failed (a load_status record other than 0, as
    ExecuTorch's benchmark app writes it: the runtime's error code, -1 for any other failure)."""
    for record in records:
        if record["metric"] == "load_status" and record["actualValue"] != 0:
            reason = record.get("reason") if isinstance(record.get("reason"), str) else "no reason given"
            return f"{reason} (load_status {record['actualValue']:g})"
    return None


def _record_problem(record) -> str | None:
    if not isinstance(record, dict):
        return "not an object"
    model = record.get("benchmarkModel")
    if not isinstance(model, dict) or not all(isinstance(model.get(f), str) for f in MODEL_FIELDS):
        return "benchmarkModel: needs name, backend and quantization as strings"
    if not isinstance(record.get("metric"), str):
        return "metric: expected a string"
    if not _number(record.get("actualValue")):
        return "actualValue: expected a finite number"
    if record.get("targetValue") is not None and not _number(record["targetValue"]):
        return "targetValue: expected a number or null"
    device = record.get("deviceInfo")
    if not isinstance(device, dict) or not all(isinstance(device.get(f), str) for f in DEVICE_TEXT) \
            or not all(_number(device.get(f)) for f in DEVICE_NUMBERS):
        return "deviceInfo: needs device, arch, os (strings) and totalMem, availMem (numbers)"
    values = record.get("values")
    if values is not None and (not isinstance(values, list) or not all(_number(v) for v in values)):
        return "values: expected a list of numbers"
    if record["metric"] == DECISION_TIMES and not values:
        return f"{DECISION_TIMES}: needs a non-empty values list"
    return None


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def safe_serial(serial: str) -> str:
    """A serial as a file name: `127.0.0.1:5555` -> `127.0.0.1_5555`."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", serial).strip(".") or "device"


def phone_result_path(runs: Runs, serial: str, graph_student: bool = False) -> Path:
    """A profile's model: phone-<serial>.json; the graph student on a graph: beside it, its own."""
    return runs.bench / f"phone-{safe_serial(serial)}{'-graph-student' if graph_student else ''}.json"


def _groups(records: list[dict]) -> dict[tuple, dict[str, dict]]:
    """Records by what was timed: (model, backend, quantization, decoder); stream records (which
    name a policy) are left out."""
    groups: dict[tuple, dict[str, dict]] = {}
    for record in records:
        model = record["benchmarkModel"]
        if "policy" in model:
            continue
        key = (*(model[f] for f in MODEL_FIELDS), model.get("decoder"))
        groups.setdefault(key, {})[record["metric"]] = record
    return groups


def latency_rows(result: dict) -> list[dict]:
    """One row per thing the phone timed, in the shape of `kdoffload bench latency`'s records."""
    device = result.get("deviceInfo", {}).get("device", result.get("serial", "phone"))
    # hostbench already names the device "emulated phone on the host: ..."; say it once.
    mark = " (emulated)" if result.get("emulated") and "emulated" not in device.lower() else ""
    rows = []
    for (name, backend, quant, decoder), metrics in _groups(result["records"]).items():
        row = _timings(metrics)
        if row is None:
            continue
        if row["samples"] is None:  # the app keeps every value for one decoder; the rest ran as often
            row["samples"] = result.get("settings", {}).get("iters")
        what = f"{name} {decoder}" if decoder else f"{name} model call"
        load = metrics.get("model_load_time(ms)")
        rows.append({"path": f"{what}, {device}{mark}", "runtime": f"{backend} {quant} (phone)",
                     **row, "model_load_time(ms)": load["actualValue"] if load else None})
    return rows


def _timings(metrics: dict[str, dict]) -> dict | None:
    def value(metric):
        return metrics[metric]["actualValue"] if metric in metrics else None

    if DECISION_TIMES in metrics:
        ordered = np.sort(np.asarray(metrics[DECISION_TIMES]["values"], dtype=float))
        cut = len(ordered) // 10
        middle = ordered[cut:len(ordered) - cut] if len(ordered) > 2 * cut else ordered
        return {"p50_us": float(np.percentile(ordered, 50)), "p99_us": float(np.percentile(ordered, 99)),
                "avg_inference_latency(ms)": float(ordered.mean() / 1e3),
                "trimmean_inference_latency(ms)": float(middle.mean() / 1e3), "samples": len(ordered)}
    if value("decision_p50(us)") is not None:
        mean = value("decision_mean(us)")
        return {"p50_us": value("decision_p50(us)"), "p99_us": value("decision_p99(us)"),
                "avg_inference_latency(ms)": None if mean is None else mean / 1e3,
                "trimmean_inference_latency(ms)": None, "samples": None}
    if value("inference_p50(us)") is not None:
        return {"p50_us": value("inference_p50(us)"), "p99_us": value("inference_p99(us)"),
                "avg_inference_latency(ms)": value("avg_inference_latency(ms)"),
                "trimmean_inference_latency(ms)": value("trimmean_inference_latency(ms)"),
                "samples": None}
    return None


def graph_summary(records: list[dict], pushed: dict, source: str) -> dict:
    """The graph a graph run decided for ({name, n, digest}: it must be `pushed`) and p50/p99 of
    each stage the app timed (android_demo/core GraphBench), in microseconds."""
    said = next((r for r in records if r["metric"] == "graph_subtasks"), None)
    if said is None:
        raise InputError(f"{source}: no graph_subtasks record: the app ran no graph benchmark")
    decided = {"name": said.get("graph_name"), "n": int(said["actualValue"]), "digest": said.get("graph_digest")}
    if decided != pushed:
        raise InputError(f"{source}: the app decided for graph {decided}, not the pushed {pushed}")
    timings = {}
    for stage, (metric, decoder) in GRAPH_STAGES.items():
        found = {r["metric"]: r["actualValue"] for r in records
                 if r["benchmarkModel"].get("decoder") == decoder and r["metric"] in (f"{metric}_p50(us)", f"{metric}_p99(us)")}
        if len(found) == 2:
            timings[stage] = {"p50": found[f"{metric}_p50(us)"], "p99": found[f"{metric}_p99(us)"]}
    return {"graph": decided, "graph_timings_us": timings}


def load_phone_result(path: Path) -> dict:
    """A runs/<profile>/bench/phone-<serial>.json, checked."""
    try:
        text = Path(path).read_text()
        check_nesting(text, path)
        result = json.loads(text)
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    except ValueError as err:
        raise InputError(f"{path}: not JSON ({err})") from None
    records = result.get("records") if isinstance(result, dict) else result
    result = result if isinstance(result, dict) else {"records": records}
    result["records"] = parse_results(json.dumps(records).encode(), str(path))
    return result


def decision_samples_us(result: dict, source: str) -> list[float]:
    """The phone's decision times: its measured values, or, when it kept only p50 and p99, 1000
    quantiles of the log-normal with that median and 99th percentile. The guarded decoder (the
    app's default) is preferred when several were timed."""
    groups = sorted(_groups(result["records"]).items(), key=lambda g: (g[0][3] != "guarded",
                                                                        DECISION_TIMES not in g[1]))
    for _, metrics in groups:
        if DECISION_TIMES in metrics:
            return [float(v) for v in metrics[DECISION_TIMES]["values"]]
    for _, metrics in groups:
        p50, p99 = (metrics.get(m, {}).get("actualValue") for m in ("decision_p50(us)", "decision_p99(us)"))
        if p50 is None or p99 is None:
            continue
        if not 0 < p50 <= p99:
            raise InputError(f"{source}: decision_p50(us) {p50} and decision_p99(us) {p99}: "
                             "need 0 < p50 <= p99")
        from statistics import NormalDist

        sigma = math.log(p99 / p50) / NormalDist().inv_cdf(0.99)
        probabilities = (np.arange(1000) + 0.5) / 1000
        return [p50 * math.exp(sigma * NormalDist().inv_cdf(float(q))) for q in probabilities]
    raise InputError(f"{source}: no {DECISION_TIMES} values and no decision_p50(us) and "
                     "decision_p99(us) records to charge decisions with")
