"""The size sweep's table and figure (report/pareto.md, report/pareto.png)."""

from __future__ import annotations

from pathlib import Path

from kdoffload.evaluation.pareto import DECODERS, GUARDED_LABEL, TOPK_LABEL, argmax_p50


def _time(row: dict, decoder: str) -> str:
    timing = row.get("native", {}).get(decoder)
    return "—" if timing is None else f"{timing['p50_us']:.2f} / {timing['p99_us']:.2f}"


def markdown(result: dict) -> str:
    rows = result["rows"]
    head = (f"Profile `{result['profile']}`: each student distilled from the same teacher on "
            f"{result['train_samples']:,} demonstrations plus {result['transfer_samples']:,} transfer states "
            f"(T={result['temperature']:g}, alpha={result['alpha']:g}, seed {result['seed']}, at most "
            f"{result['epochs']} epochs), exported as fp32 and int8 (XNNPACK). Quality: mean delay ratio "
            f"on {result['test_samples']:,} test states through the exported program. Time: one decision "
            f"through the native runner, one pinned core, p50 / p99 µs (median of three runs). Fronts: not beaten on both "
            f"{GUARDED_LABEL} quality and argmax time (t) or .pte size (s). Machine: {result['machine']['cpu']}, "
            f"load average {result['machine']['load']}.")
    quality_cols = [label for label, _, _ in DECODERS]
    lines = [head, "",
             f"| student | quant | params | .pte bytes | argmax µs | {TOPK_LABEL} µs | {GUARDED_LABEL} µs | "
             + " | ".join(quality_cols) + " | front |",
             "|---|---|---:|---:|---:|---:|---:|" + "---:|" * len(quality_cols) + "---|"]
    selected = result.get("selected") or {}
    for row in rows:
        name = row["name"]
        if selected.get("name") == name and selected.get("quant") == row["quant"]:
            name = f"**{name}** (selected)"
        if "quality" not in row:
            lines.append(f"| {name} | {row['quant']} | {row['params']:,} | — | — | — | — | "
                         + " | ".join("—" for _ in quality_cols) + f" | refused: {row['refused']} |")
            continue
        front = "".join(mark for mark, key in (("t", "front_time"), ("s", "front_size")) if row.get(key))
        lines.append(f"| {name} | {row['quant']} | {row['params']:,} | {row['pte_bytes']:,} | "
                     f"{_time(row, 'argmax')} | {_time(row, 'topk')} | {_time(row, 'guarded')} | "
                     + " | ".join(f"{row['quality'][c]:.4f}" for c in quality_cols) + f" | {front} |")
    lines.append("")
    if selected:
        lines.append(f"Selected: {selected['name']} {selected['quant']}, the best {GUARDED_LABEL} quality within "
                     f"{result['size_limit']:,} bytes and {result['argmax_p50_limit_us']:g} µs argmax p50.")
    else:
        lines.append("No candidate fits both limits (or none was timed natively).")
    return "\n".join(lines) + "\n"


def figure(result: dict, path: Path) -> Path:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = [r for r in result["rows"] if "quality" in r]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    panels = ((axes[0], lambda r: r["pte_bytes"] / 1024, ".pte size (KB)", result["size_limit"] / 1024),
              (axes[1], argmax_p50, "native argmax decision p50 (µs)", result["argmax_p50_limit_us"]))
    styles = {"fp32": ("o", "tab:blue"), "int8": ("^", "tab:orange")}
    for ax, cost, label, limit in panels:
        for quant, (marker, color) in styles.items():
            mine = [r for r in rows if r["quant"] == quant and cost(r) is not None]
            xs = [cost(r) for r in mine]
            ax.scatter(xs, [r["quality"][GUARDED_LABEL] for r in mine], marker=marker, color=color,
                       label=f"{quant}, {GUARDED_LABEL}")
            ax.scatter(xs, [r["quality"][TOPK_LABEL] for r in mine], marker=marker, facecolors="none",
                       edgecolors=color, label=f"{quant}, {TOPK_LABEL}")
            for r, x in zip(mine, xs):
                ax.annotate(r["name"], (x, r["quality"][GUARDED_LABEL]), fontsize=7,
                            xytext=(3, 3), textcoords="offset points")
        ax.axvline(limit, color="grey", linestyle="--", linewidth=1)
        ax.set_xlabel(label)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("mean delay ratio (test)")
    axes[0].legend(fontsize=8)
    fig.suptitle(f"{result['profile']}: student size against quality and native decision time")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
