"""The steps of the policy job, each named: data, rewards, train, judge, register, report."""

from __future__ import annotations

import json
import tempfile
from contextlib import nullcontext
from functools import partial
from pathlib import Path
from typing import Any

import pandas as pd

from rluf_core import tracking
from rluf_core.config import RlufConfig
from rluf_core.jobs.policy_inputs import PolicyInputs
from rluf_core.lake import Lake
from rluf_core.markdown import table

QUICK_SEED = 1234


def prompt_sets(cfg: RlufConfig) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    from rluf_core.policy.prompts import read_turns, sample_prompts, split_days

    lake = Lake(cfg.storage.lake)
    try:
        train_days, held = split_days(lake.dataset_days("clean_turns"), cfg.policy.heldout_days)
    except ValueError as err:
        raise SystemExit(str(err)) from None
    heldout = sample_prompts(read_turns(lake, held), cfg.policy.quick_check_prompts, cfg.seed + 1)
    return read_turns(lake, train_days), heldout, train_days


def reward_set(cfg: RlufConfig, inputs: PolicyInputs, train: pd.DataFrame) -> Any:
    from rluf_core.evaluation.detectors import reply_flags
    from rluf_core.judges import build_safety_judge
    from rluf_core.policy.rewards import RewardSet, base_rate
    from rluf_core.reward import PLoveScorer

    cache = cfg.storage.home_path / "cache" / "embeddings"
    p_love = PLoveScorer.load(inputs.p_love_dir, cache_dir=cache)
    helpful = PLoveScorer.load(inputs.helpfulness_dir, cache_dir=cache)
    ref = train.sample(n=min(2000, len(train)), random_state=cfg.seed)
    unit = base_rate(
        p_love, ref["context"].tolist(), ref["prompt"].tolist(), ref["response"].tolist()
    )
    return RewardSet(
        p_love=p_love,
        helpfulness=helpful,
        judge=build_safety_judge(cfg.policy.judges),
        cfg=cfg.policy,
        p_love_base=unit,
        flags=partial(reply_flags, lexicon=cfg.evaluation.bait_lexicon),
        reference_words=float(ref["response"].fillna("").str.split().str.len().mean()),
    )


def train(
    cfg: RlufConfig,
    inputs: PolicyInputs,
    data: pd.DataFrame,
    rewards: Any,
    out: Path,
    on_metrics: Any,
    stop_after: int | None,
) -> Any:
    if cfg.policy.method == "kto":
        from rluf_core.policy.kto import train_kto

        fb = Lake(cfg.storage.lake).read_dataset("feedback_dataset")
        if fb.empty:
            raise SystemExit(
                "policy.method kto: feedback_dataset is missing or empty; materialise it first"
            )
        return train_kto(
            inputs.base_dir,
            fb,
            cfg.policy,
            out,
            seed=cfg.seed,
            device=cfg.compute.device,
            on_metrics=on_metrics,
        )
    from rluf_core.policy.rl import rl_dataset, train_policy

    ds = rl_dataset(data, cfg.policy.grpo.max_train_prompts, cfg.seed)
    return train_policy(
        inputs.base_dir,
        ds,
        rewards,
        cfg.policy,
        out,
        seed=cfg.seed,
        device=cfg.compute.device,
        on_metrics=on_metrics,
        stop_after_steps=stop_after,
    )


def judge(
    cfg: RlufConfig, inputs: PolicyInputs, policy_dir: Path, heldout: pd.DataFrame
) -> dict[str, Any]:
    from rluf_core.evaluation.quick_check import quick_check
    from rluf_core.policy.checkpoint import HFPolicy
    from rluf_core.policy.kl import sequence_kl

    base, trained = HFPolicy.load(inputs.base_dir), HFPolicy.load(policy_dir)
    prompts, ctx = heldout["prompt"].tolist(), heldout["context"].tolist()
    b, t = (
        base.generate(prompts, ctx, seed=QUICK_SEED),
        trained.generate(prompts, ctx, seed=QUICK_SEED),
    )
    n = min(256, len(prompts))
    kl = sequence_kl(trained.model, base.model, trained.tokenizer, prompts[:n], ctx[:n], t[:n])
    out: dict[str, Any] = {
        "kl_to_reference": kl,
        "samples": pd.DataFrame({"prompt": prompts[:40], "base": b[:40], "trained": t[:40]}),
    }
    if cfg.source.kind == "simulator":
        out["quick_check"] = quick_check(heldout, b, t, cfg)
    return out


def register(
    cfg: RlufConfig,
    inputs: PolicyInputs,
    policy_dir: Path,
    days: list[str],
    summary: dict,
    samples: pd.DataFrame,
) -> dict[str, str]:
    import mlflow

    from rluf_core.model_aliases import set_alias
    from rluf_core.policy.registry import log_policy

    name = cfg.policy.model_name
    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "sample_completions.md").write_text(
            "\n".join(table(list(samples.columns), samples.itertuples(index=False)))
        )
        samples.to_csv(Path(tmp, "sample_completions.csv"), index=False)
        mlflow.log_artifacts(tmp, artifact_path="samples")
    version = log_policy(policy_dir, name)
    client = mlflow.MlflowClient()
    set_alias(client, name, "challenger", version)
    tags = {
        "rluf.base_model": cfg.policy.base_model,
        "rluf.method": cfg.policy.method,
        "rluf.p_love_version": str(inputs.p_love_version),
        "rluf.partitions": f"{days[0]}..{days[-1]}",
        "rluf.reward_weights": json.dumps(cfg.policy.objectives.model_dump()),
        "rluf.seed": str(cfg.seed),
        "rluf.kl_to_reference": f"{summary.get('kl_to_reference', float('nan')):.4f}",
    }
    for k, v in tags.items():
        client.set_model_version_tag(name, version, k, v)
    return {"model_name": name, "model_version": version, "model_uri": f"models:/{name}@challenger"}


def run_policy_job(
    cfg: RlufConfig, inputs: PolicyInputs, rep: Any, args: Any, metric_logger: Any
) -> dict:
    train_turns, heldout, days = prompt_sets(cfg)
    rewards = reward_set(cfg, inputs, train_turns) if cfg.policy.method != "kto" else None
    out = Path(args.out) if args.out else cfg.storage.home_path / "policy" / cfg.policy.method
    register_on = not args.no_register
    run_ctx: Any = nullcontext()
    if register_on:
        import mlflow

        tracking.configure(cfg)
        run_ctx = mlflow.start_run(
            run_name=args.report, tags=tracking.run_tags(cfg, days, job="train_policy")
        )
    with run_ctx as run:
        if register_on:
            import mlflow

            mlflow.log_params(
                {
                    f"policy.{k}": json.dumps(v) if isinstance(v, (dict, list)) else v
                    for k, v in cfg.policy.model_dump().items()
                }
            )
        rep.log(
            f"policy: {cfg.policy.method} from {inputs.base_dir}, weights {cfg.policy.objectives.model_dump()}"
        )
        res = train(
            cfg,
            inputs,
            train_turns,
            rewards,
            out,
            metric_logger(rep, register_on),
            args.stop_after_steps,
        )
        meta: dict[str, Any] = dict(
            res.summary,
            policy_dir=str(res.path),
            train_days=f"{days[0]}..{days[-1]}",
            weights=cfg.policy.objectives.model_dump(),
        )
        if res.summary.get("interrupted"):
            meta["last_metrics"] = res.history[-1] if res.history else {}
            return meta
        judged = judge(cfg, inputs, res.path, heldout)
        meta.update(kl_to_reference=judged["kl_to_reference"], **judged.get("quick_check", {}))
        meta["last_metrics"] = res.history[-1] if res.history else {}
        if register_on:
            mlflow.log_metrics(
                {
                    "kl_to_reference": judged["kl_to_reference"],
                    **{
                        k: float(v)
                        for k, v in meta.items()
                        if k.endswith(("_lift_vs_base", "_delta_rel", "_delta"))
                        and isinstance(v, (int, float))
                    },
                }
            )
            meta.update(
                register(cfg, inputs, res.path, days, meta, judged["samples"]),
                mlflow_run_id=run.info.run_id,
            )
    meta["by_method"] = _by_method(cfg, args.report, meta)
    from rluf_core.evaluation.policy_report import render_policy_report

    meta["markdown"] = render_policy_report(meta, judged["samples"])
    return meta


def _by_method(cfg: RlufConfig, report: str, meta: dict) -> dict[str, Any]:
    """Each training method's latest quick-check numbers, so KTO stands next to GRPO."""
    try:
        prev = Lake(cfg.storage.lake).read_report(report).get("by_method", {})
    except (FileNotFoundError, OSError, ValueError):
        prev = {}
    trained = meta.get("trained", {})
    prev[cfg.policy.method] = {
        **trained,
        "love_lift_vs_base": meta.get("love_lift_vs_base"),
        "model_version": meta.get("model_version"),
        "steps": meta.get("steps"),
    }
    return prev
