"""What the evaluation assets run: the fixed prompt set, offline_eval_report, ab_test_report.

The policies and scorers come in as `Inputs` (the policy group loads them: the champion, or the base
policy while there is none; the challenger from policy_checkpoint; P[Love], the helpfulness model
and the safety judge), so this module needs nothing but the Policy protocol and plain callables.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from rluf_core.config import RlufConfig
from rluf_core.evaluation.ab_test import ab_test, generate_for
from rluf_core.evaluation.correlation import offline_online
from rluf_core.evaluation.offline import CHALLENGER, CHAMPION, REFERENCE, Scorer, offline_report
from rluf_core.evaluation.offline_render import build_offline_report
from rluf_core.evaluation.online import draw_traffic
from rluf_core.evaluation.progress import Progress
from rluf_core.evaluation.report import EvalReport, publish
from rluf_core.evaluation.sweep import Gates, attach, weight_sweep
from rluf_core.lake import Lake
from rluf_core.policy.generation import Policy
from rluf_core.policy.prompts import read_turns, sample_prompts, split_days

DEFAULT_HELDOUT_DAYS = 2  # until the policy config carries policy.heldout_days


@dataclass
class Inputs:
    """Everything the evaluation reads besides the config and the lake."""

    champion: Policy
    challenger: Policy
    scorers: Mapping[str, Scorer]
    extras: dict[str, dict[str, float]] = field(
        default_factory=dict
    )  # e.g. kl_to_reference per arm
    variants: list[Policy] = field(default_factory=list)  # offline-vs-online (>= 10)
    sweep: dict[float, Policy] = field(default_factory=dict)  # policy trained per P[Love] weight
    sweep_kl: dict[float, float] = field(default_factory=dict)  # each sweep policy's KL to the base
    base: Policy | None = None  # the sweep's base (weight 0)
    gates: Gates | None = None  # promotion's gates, for the sweep


def fixed_prompt_set(cfg: RlufConfig) -> pd.DataFrame:
    """evaluation.fixed_prompts turns of the held-out (last) days of clean_turns, seeded."""
    lake = Lake(cfg.storage.lake)
    days = lake.dataset_days("clean_turns")
    if not days:
        raise FileNotFoundError(
            f"{lake.dataset_path('clean_turns')}: no clean turns, so no fixed prompt "
            "set; materialise clean_turns first"
        )
    _, held = split_days(days, getattr(cfg.policy, "heldout_days", DEFAULT_HELDOUT_DAYS))
    return sample_prompts(read_turns(lake, held), cfg.evaluation.fixed_prompts, cfg.seed)


def _contexts(prompts: pd.DataFrame) -> list[str | None]:
    return [None if pd.isna(c) else c for c in prompts["context"]]


def arm_frames(
    prompts: pd.DataFrame, policies: Mapping[str, Policy], seed: int
) -> dict[str, pd.DataFrame]:
    """The reference arm (the production replies of the prompt set) and one frame per policy."""
    base = prompts[["prompt", "context", "topic"]].reset_index(drop=True)
    out = {REFERENCE: base.assign(response=prompts["response"].to_numpy())}
    progress = Progress(f"replies to {len(base)} fixed prompts: arm", len(policies))
    for name, pol in policies.items():
        replies = generate_for(
            pol, base["prompt"].tolist(), _contexts(base), seed, f"offline_eval_report {name}"
        )
        out[name] = base.assign(response=replies)
        progress.done(f"{name} ({getattr(pol, 'name', name)})")
    return out


def _sweep_cfg(cfg: RlufConfig) -> RlufConfig:
    """The sweep's A/B pools replies like the correlation's variants (a row per weight, not the
    decision's test)."""
    ev = cfg.evaluation.model_copy(update={"reply_pool": cfg.evaluation.variant_reply_pool})
    return cfg.model_copy(update={"evaluation": ev})


def _sweep_rows(cfg: RlufConfig, inputs: Inputs, prompts: pd.DataFrame) -> list[dict]:
    base = inputs.base or inputs.champion
    results = {}
    prompts = prompts.head(cfg.evaluation.correlation_prompts)
    traffic = draw_traffic(cfg, n_users=cfg.evaluation.variant_users, days=1)
    progress = Progress("weight sweep: P[Love] weight", len(inputs.sweep))
    for weight, pol in sorted(inputs.sweep.items()):
        arms = arm_frames(prompts, {CHAMPION: base, CHALLENGER: pol}, cfg.seed)
        results[weight] = (
            offline_report(
                arms,
                inputs.scorers,
                cfg,
                extras={
                    CHAMPION: {"kl_to_reference": 0.0},
                    CHALLENGER: {"kl_to_reference": inputs.sweep_kl.get(weight, float("nan"))},
                },
            ),
            ab_test(base, pol, _sweep_cfg(cfg), traffic=traffic).metrics,
        )
        progress.done(
            f"{weight:g}: love lift {results[weight][1].get('love_lift', float('nan')):+.1%}"
        )
    return weight_sweep(results, inputs.gates)


def run_offline_eval(
    cfg: RlufConfig, inputs: Inputs, prompts: pd.DataFrame | None = None, log_to_mlflow: bool = True
) -> EvalReport:
    """offline_eval_report: arms, detectors, divergence, per topic; with simulated traffic also the
    offline-online correlation over inputs.variants and the weight sweep over inputs.sweep."""
    prompts = fixed_prompt_set(cfg) if prompts is None else prompts
    arms = arm_frames(prompts, {CHAMPION: inputs.champion, CHALLENGER: inputs.challenger}, cfg.seed)
    report = offline_report(arms, inputs.scorers, cfg, extras=inputs.extras)
    if cfg.source.kind == "simulator" and inputs.variants:
        attach(
            report,
            correlation=offline_online(
                inputs.variants,
                prompts.head(cfg.evaluation.correlation_prompts),
                inputs.scorers,
                cfg,
            ),
        )
    if cfg.source.kind == "simulator" and inputs.sweep:
        if inputs.gates is None:
            raise ValueError(
                "offline_eval_report: a weight sweep needs the promotion gates (Inputs.gates)"
            )
        attach(report, sweep=_sweep_rows(cfg, inputs, prompts))
    rep = build_offline_report(report)
    publish(rep, cfg, log_to_mlflow=log_to_mlflow)
    return rep


def run_ab_test(cfg: RlufConfig, inputs: Inputs, log_to_mlflow: bool = True) -> EvalReport:
    """ab_test_report: the challenger (treatment) against the champion (control) online."""
    rep = ab_test(inputs.champion, inputs.challenger, cfg)
    publish(rep, cfg, log_to_mlflow=log_to_mlflow)
    return rep
