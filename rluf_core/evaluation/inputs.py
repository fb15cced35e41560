"""The evaluation's Inputs, loaded from what the policy group left: the evaluation_inputs factory.

Champion: the `champion` alias of policy.model_name when the registry has one, else the base policy.
Challenger: policy_checkpoint's policy. Scorers: P[Love], the helpfulness model and the safety judge.
Variants for offline-vs-online: the base policy, the checkpoints along training and the challenger,
plus every weight-sweep policy. Sweep: the policies trained per P[Love] weight (policy_sweep reports). The gates are the promotion
package's, set by the orchestration (evaluation sits below promotion).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rluf_core.config import RlufConfig
from rluf_core.evaluation.pipeline import Inputs
from rluf_core.lake import Lake
from rluf_core.policy.checkpoint import HFPolicy
from rluf_core.policy.generation import Policy

SWEEP_REPORT = "policy_sweep_w{weight:g}"


def _report(lake: Lake, name: str) -> dict[str, Any]:
    try:
        return lake.read_report(name)
    except (FileNotFoundError, OSError):
        raise FileNotFoundError(
            f"{lake.report_path(name)}: missing; materialise {name} first"
        ) from None


def scorers(cfg: RlufConfig, lake: Lake) -> dict[str, Any]:
    from rluf_core.judges import build_safety_judge
    from rluf_core.reward import PLoveScorer

    cache = cfg.storage.home_path / "cache" / "embeddings"
    p_love = PLoveScorer.load(_report(lake, "p_love_model")["scorer_dir"], cache_dir=cache)
    helpful = PLoveScorer.load(_report(lake, "helpfulness_model")["scorer_dir"], cache_dir=cache)
    judge = build_safety_judge(cfg.policy.judges, cfg.policy.trust_remote_code)

    def frame_args(df: pd.DataFrame) -> tuple[Any, list[str], list[str]]:
        ctx = df["context"].tolist() if "context" in df.columns else None
        return (
            ctx,
            df["prompt"].astype(str).tolist(),
            df["response"].fillna("").astype(str).tolist(),
        )

    return {
        "p_love": lambda df: p_love.score(*frame_args(df)),
        "helpfulness": lambda df: helpful.score(*frame_args(df)),
        "unsafe": lambda df: np.asarray(
            judge.is_unsafe(df["response"].fillna("").astype(str)), float
        ),
    }


def champion_policy(cfg: RlufConfig, base: HFPolicy) -> tuple[HFPolicy, dict[str, float]]:
    """The registry's champion (downloaded), or the base policy while there is none."""
    from rluf_core.model_aliases import RegistryError, alias_version, connect

    try:
        client = connect(cfg.storage.mlflow_uri)
        version = alias_version(client, cfg.policy.model_name, "champion")
    except RegistryError:
        version = None
    if version is None:
        return base, {"kl_to_reference": 0.0}
    import mlflow

    path = mlflow.artifacts.download_artifacts(f"models:/{cfg.policy.model_name}/{version}")
    pol = HFPolicy.load(Path(path) / "artifacts" / "policy", name=f"champion v{version}")
    kl = client.get_model_version(cfg.policy.model_name, version).tags.get("rluf.kl_to_reference")
    return pol, {"kl_to_reference": float(kl) if kl else float("nan")}


def training_checkpoints(report: dict[str, Any], limit: int = 6) -> list[HFPolicy]:
    run = Path(report.get("policy_dir", "")).parent / "rl-run" / str(report.get("fingerprint", ""))
    dirs = sorted(
        (p for p in run.glob("checkpoint-*") if (p / "model.safetensors").exists()),
        key=lambda p: int(p.name.split("-")[1]),
    )
    out = []
    if len(dirs) > limit:  # evenly spaced along training, the last one kept
        dirs = (
            [dirs[round(i * (len(dirs) - 1) / (limit - 1))] for i in range(limit)]
            if limit > 1
            else dirs[-1:]
        )
    for d in dirs:
        out.append(HFPolicy(*_load_model(d), name=f"step {d.name.split('-')[1]}"))
    return out


def _load_model(path: Path) -> tuple[Any, Any]:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tok = AutoTokenizer.from_pretrained(path)
    tok.padding_side = "left"
    return AutoModelForCausalLM.from_pretrained(path, use_safetensors=True), tok


def load_inputs(cfg: RlufConfig) -> Inputs:
    lake = Lake(cfg.storage.lake)
    base = HFPolicy.load(_report(lake, "base_policy")["policy_dir"], name="base")
    ckpt = _report(lake, "policy_checkpoint")
    challenger = HFPolicy.load(ckpt["policy_dir"], name=f"challenger ({ckpt.get('method')})")
    champion, champ_extra = champion_policy(cfg, base)
    sweep: dict[float, Policy] = {}
    sweep_kl: dict[float, float] = {}
    for w in cfg.evaluation.sweep_weights:
        try:
            rep = lake.read_report(SWEEP_REPORT.format(weight=w))
            sweep[float(w)] = HFPolicy.load(rep["policy_dir"], name=f"weight {w:g}")
            sweep_kl[float(w)] = float(rep.get("kl_to_reference", float("nan")))
        except (FileNotFoundError, OSError, KeyError):
            continue
    steps = training_checkpoints(ckpt, cfg.evaluation.max_variants_per_run + 1)
    if steps and steps[-1].name == f"step {ckpt.get('steps')}":
        steps = steps[:-1]  # the last checkpoint is the challenger itself
    variants: list[Policy] = [base, *steps, challenger, *sweep.values()]
    extras = {
        "champion": champ_extra,
        "challenger": {"kl_to_reference": ckpt.get("kl_to_reference", float("nan"))},
    }
    return Inputs(
        champion=champion,
        challenger=challenger,
        scorers=scorers(cfg, lake),
        extras=extras,
        variants=variants,
        sweep=sweep,
        sweep_kl=sweep_kl,
        base=base,
    )
