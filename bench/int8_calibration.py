"""int8 off the training ranges: the shipped student's export calibrated on training states
alone, or also on states from ranges widened x2 or x4 (the export's choice), against fp32; each
through the exported program on the test set and on every shipped shift regime.

    python -m bench.int8_calibration --profile chain6

writes runs/<profile>/report/int8_calibration.{json,md} (the table of docs/results.md).
"""

from __future__ import annotations

import argparse

from kdoffload.evaluation import quality, robustness
from kdoffload.quiet import silence_third_party
from kdoffload.mobile_export.export import CALIBRATION_WIDENING, calibration_features
from kdoffload.mobile_export.lower import lower, quantize_int8
from kdoffload.mobile_export.policy import pte_forward
from kdoffload.mobile_export.runtime import PteProgram
from kdoffload.model import dataset
from kdoffload.model.checkpoint import load_checkpoint
from kdoffload.model.decider import Decider, DecoderConfig
from kdoffload.model.features import Support
from kdoffload.model.io import atomic_write_json, atomic_write_text
from kdoffload.model.profile import load_profile
from kdoffload.model.regimes import load_regime, shipped_regimes
from kdoffload.model.runs import Runs

WIDENINGS = {"int8, training states": None, "int8, + widened x2": 2.0,
             f"int8, + widened x{CALIBRATION_WIDENING:g} (shipped)": CALIBRATION_WIDENING}
DECODERS = ("argmax", "topk", "guarded")


def programs(net, train, normalizer, count: int) -> dict[str, bytes]:
    out = {"fp32": lower(net, net.example_inputs(), "xnnpack")}
    for name, widening in WIDENINGS.items():
        calibration = calibration_features(train, normalizer, count, widening=widening)
        out[name] = lower(quantize_int8(net, calibration), net.example_inputs(), "xnnpack")
    return out


def run(profile_name: str, states: int, count: int) -> dict:
    profile = load_profile(profile_name)
    runs = Runs(profile.name)
    saved = load_checkpoint(runs.checkpoint("student"), "student", profile)
    net, normalizer = saved.net().eval(), saved.normalizer
    train, test = dataset.load(runs.data("train")), dataset.load(runs.data("test"))
    support = Support.fit(train.features)
    policies = []
    for name, data in programs(net, train, normalizer, count).items():
        forward = pte_forward(PteProgram(data, name))
        for decoder in DECODERS:
            policies.append(Decider(profile, normalizer, forward, DecoderConfig(decoder), support,
                                    f"{name}: {decoder}"))
    shifted = robustness.robustness(profile, [load_regime(r) for r in shipped_regimes()], policies, states, 0)
    on_test, _ = quality.evaluate(profile, test, policies)
    table = {p.name: {"test": on_test[p.name]["mean_ratio"],
                      **{r: v["policies"][p.name]["mean_ratio"] for r, v in shifted["regimes"].items()}}
             for p in policies}
    return {"profile": profile.name, "test_states": len(test), "states_per_regime": states,
            "calibration_states": count, "mean_ratio": table}


def markdown(result: dict) -> str:
    columns = list(next(iter(result["mean_ratio"].values())))
    lines = [f"Profile `{result['profile']}`: the default student's programs, mean delay ratio on "
             f"{result['test_states']:,} test states and {result['states_per_regime']:,} states per "
             f"regime (seed 0); int8 calibrated on {result['calibration_states']:,} training states "
             "and as many from the widened ranges.", "",
             "| program: decoder | " + " | ".join(columns) + " |",
             "|---|" + "---:|" * len(columns)]
    for name, row in result["mean_ratio"].items():
        lines.append(f"| {name} | " + " | ".join(f"{row[c]:.4f}" for c in columns) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="chain6")
    parser.add_argument("--states", type=int, default=2000)
    parser.add_argument("--calibration-states", type=int, default=2048)
    args = parser.parse_args()
    silence_third_party()
    result = run(args.profile, args.states, args.calibration_states)
    out = Runs(result["profile"]).report
    atomic_write_json(out / "int8_calibration.json", result)
    text = markdown(result)
    atomic_write_text(out / "int8_calibration.md", text)
    print(text + f"\nwrote {out / 'int8_calibration.json'} and {out / 'int8_calibration.md'}")


if __name__ == "__main__":
    main()
