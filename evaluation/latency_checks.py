"""The latency targets, judged on one run's records (ratios only within the run)."""

from __future__ import annotations

from kdoffload.model.decider import TOP_K

STUDENT_PTE_MAX_BYTES = 32 * 1024


def _p50(records: list[dict], path: str) -> float | None:
    found = [r["p50_us"] for r in records if r["path"] == path]
    return found[0] if found else None


def _check(name: str, measured: float | None, op: str, limit: float) -> dict | None:
    if measured is None:
        return None
    passed = measured <= limit if op == "≤" else measured >= limit
    return {"name": name, "measured": measured, "op": op, "limit": limit, "passed": bool(passed)}


def must_show(result: dict) -> list[dict]:
    """Targets whose inputs this run measured; one without its inputs is left out, not failed."""
    records = result["records"]
    shipped = f"student {result.get('student_quantization', 'fp32')}"
    student = _p50(records, f"{shipped} .pte native")
    topk = next((r["p50_us"] for r in records
                 if r["path"].startswith(f"{shipped} .pte native top-")), None)
    # The runtime's cost over a plain loop: the same fp32 weights both ways.
    fp32, loop = _p50(records, "student fp32 .pte native"), _p50(records, "C++ loop (no runtime)")
    teacher = _p50(records, "teacher .pte native")
    oracle = _p50(records, "oracle (exact)")

    def ratio(a, b):
        return None if a is None or b is None else a / b

    checks = [
        _check(f"{shipped} .pte size, bytes", result.get("student_pte_bytes"), "≤", STUDENT_PTE_MAX_BYTES),
        _check(f"native {shipped} argmax decision p50, µs", student, "≤", 3.0),
        _check(f"native {shipped} verified top-{TOP_K} decision p50, µs", topk, "≤", 6.0),
        _check("native student fp32 p50 / C++ loop p50", ratio(fp32, loop), "≤", 1.5),
        _check("native teacher p50 / native student p50", ratio(teacher, student), "≥", 3.0),
    ]
    if result.get("exact_solver") == "exhaustive":  # the chain DP is polynomial: no target there
        checks.append(_check("oracle p50 / native student p50", ratio(oracle, student), "≥", 1000.0))
    return [c for c in checks if c is not None]
