"""The learned decision engines the simulator offers: from checkpoints and from the export."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from kdoffload.jobs.export import ensure_export
from kdoffload.jobs.reporter import Reporter
from kdoffload.mobile_export.config import ExportConfig, manifest_path
from kdoffload.model import native
from kdoffload.model.decider import Decider, Decoder, DecoderConfig
from kdoffload.model.errors import InputError
from kdoffload.model.learned import load_net_decider
from kdoffload.model.profile import Profile
from kdoffload.model.runs import KINDS, GraphStudentLayout, Runs

# Each network with the decoders the simulator offers it, and the command that makes it.
_NETWORKS = {"teacher": ((Decoder.ARGMAX, Decoder.TOPK), "train"), "student": (tuple(Decoder), "distill"),
             "student-nokd": ((Decoder.ARGMAX,), "distill")}
# engine name (as reports name the policy) -> (network, kind, decoder config, command)
_CHECKPOINTS = {DecoderConfig(decoder).label(network): (network, KINDS[network], DecoderConfig(decoder), command)
                for network, (decoders, command) in _NETWORKS.items() for decoder in decoders}
# The guarded student scoring its candidates on the observed history (a profile that observes).
ON_HISTORY = DecoderConfig(Decoder.GUARDED, rate_estimate="history")
_CHECKPOINTS[ON_HISTORY.label("student")] = ("student", KINDS["student"], ON_HISTORY, "distill")
# The guarded student scoring its candidates from the phone's observed backlogs.
ON_BACKLOG = DecoderConfig(Decoder.GUARDED, rate_estimate="backlog")
_CHECKPOINTS[ON_BACKLOG.label("student")] = ("student", KINDS["student"], ON_BACKLOG, "distill")
# The guarded student scoring its candidates from an idle phone, whatever its profile's export ships.
ON_IDLE = "student+guarded-current"
_CHECKPOINTS[ON_IDLE] = ("student", KINDS["student"], DecoderConfig(Decoder.GUARDED), "distill")
# The shipped decision: scored as the profile's manifest says (for a profile that observes, from
# the observed backlogs: ExportConfig.decoder_for).
SHIPPED = DecoderConfig(Decoder.GUARDED).label("student")


def shipped_rate_estimate(profile: Profile) -> str:
    """The rate estimate `profile`'s manifest carries: backlog where it observes, else current."""
    return ExportConfig().decoder_for(profile).rate_estimate


# The graph student's engines: (network name, the export rather than the checkpoint, features and
# guarded decoder in C++) -> the decoders offered.
_GRAPH_PATHS = {("graph-student", False, False): (Decoder.ARGMAX, Decoder.GUARDED),
                ("graph-student-pte", True, False): (Decoder.ARGMAX, Decoder.GUARDED),
                ("graph-student-native", True, True): (Decoder.GUARDED,)}


def graph_engines(run_dir: Path) -> dict:
    """Engine name -> build(seed) for the one student for any graph in `run_dir`: its checkpoint
    in eager PyTorch, its export through ExecuTorch's runtime, and the export with the C++ core's
    features and guarded decoder around it; argmax and guarded."""

    def build(name: str, decoder: Decoder, pte: bool, in_cpp: bool):
        def make(seed: int):
            from kdoffload.scheduler.graph_engines import GraphNet

            if in_cpp and not native.available():
                raise InputError(f"policy {name!r}: needs the C++ core (make native)")
            forward, normalizer = (_graph_pte if pte else _graph_eager)(run_dir)
            return GraphNet(name, forward, normalizer, decoder is Decoder.GUARDED, in_cpp)
        return make

    return {DecoderConfig(d).label(network): build(DecoderConfig(d).label(network), d, pte, in_cpp)
            for (network, pte, in_cpp), decoders in _GRAPH_PATHS.items() for d in decoders}


def _graph_checkpoint(run_dir: Path):
    from kdoffload.distill.graph_model import load_graph_net

    path = GraphStudentLayout(run_dir).student
    if not path.exists():
        raise InputError(f"graph student: none at {path} (run: kdoffload graph train --run {run_dir})")
    return load_graph_net(path, "graph-student")


def _graph_eager(run_dir: Path):
    import torch

    from kdoffload.mobile_export.graph_export import eager_logits

    torch.set_num_threads(1)  # one decision at a time, as on the phone: one thread is faster at batch 1
    checkpoint = _graph_checkpoint(run_dir)
    return (lambda inputs: eager_logits(checkpoint, inputs)), checkpoint.normalizer


def _graph_pte(run_dir: Path):
    from kdoffload.jobs.graph import shipped_pte
    from kdoffload.mobile_export.graph_export import program_logits
    from kdoffload.mobile_export.runtime import PteProgram

    pte = shipped_pte(run_dir)
    if not pte.exists():
        raise InputError(f"graph student: no export at {pte} (run: kdoffload graph export --run {run_dir})")
    program = PteProgram(pte)
    return (lambda inputs: program_logits(program, inputs)), _graph_checkpoint(run_dir).normalizer


def learned_engines(reporter: Reporter) -> dict:
    """Engine name -> factory(profile) for every learned engine; an export is made when needed."""
    return {**checkpoint_engines(), **pte_engines(reporter)}


def checkpoint_engines() -> dict:
    """Engine name -> factory(profile) for every learned engine built from a checkpoint."""
    return {name: _from_checkpoint(name) for name in _CHECKPOINTS}


def _from_checkpoint(name: str):
    network, kind, config, command = _CHECKPOINTS[name]

    def build(profile: Profile) -> Decider:
        path = Runs(profile.name).checkpoint(network)
        if not path.exists():
            raise InputError(f"policy {name!r}: no trained {kind} at {path} "
                             f"(run: kdoffload {command} --profile {profile.name})")
        used = (dataclasses.replace(config, rate_estimate=shipped_rate_estimate(profile)) if name == SHIPPED
                else config)
        return load_net_decider(path, kind, profile, name, used)[0]

    return build


def pte_engines(reporter: Reporter) -> dict:
    """Engine name -> factory(profile): the exported student with each decoder.

    The `.pte` engines run the shipped export (int8); the native ones run the fp32 reference
    export's weights as a plain C++ loop. Either is exported first unless it is current.
    """

    def build(decoder: Decoder):
        def make(profile: Profile):
            from kdoffload.mobile_export.policy import exported_decider

            cfg = ExportConfig.shipped()
            ensure_export(profile, cfg, reporter)
            return exported_decider(profile, Runs(profile.name).export, cfg, decoder=decoder)
        return make

    def build_native(decoder: Decoder, name: str, rate_estimate: str | None = None):
        # The same student's decision path in C++ (the manifest's weights as a plain loop),
        # charged at its C++ time; scored as the manifest says unless `rate_estimate` is given.
        def make(profile: Profile):
            cfg = ExportConfig()
            ensure_export(profile, cfg, reporter)
            return native.NativeDecider(profile, manifest_path(Runs(profile.name).export, cfg), decoder.value, name,
                                        rate_estimate or shipped_rate_estimate(profile))
        return make

    labels = {decoder: DecoderConfig(decoder).label for decoder in Decoder}
    return {**{labels[d]("student-pte"): build(d) for d in Decoder},
            **{labels[d]("student-native"): build_native(d, labels[d]("student-native"),
                                                         None if d is Decoder.GUARDED else "current") for d in Decoder},
            ON_HISTORY.label("student-native"): build_native(Decoder.GUARDED, ON_HISTORY.label("student-native"),
                                                             "history"),
            ON_BACKLOG.label("student-native"): build_native(Decoder.GUARDED, ON_BACKLOG.label("student-native"),
                                                             "backlog"),
            "student-native+guarded-current": build_native(Decoder.GUARDED, "student-native+guarded-current",
                                                           "current")}
