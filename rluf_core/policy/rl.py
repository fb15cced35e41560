"""Optimise the policy against the reward set with TRL's GRPOTrainer (or RLOOTrainer).

The base policy is both the starting point and the KL reference (beta = policy.kl_coef). Checkpoints
every `grpo.checkpoint_every` steps under <out>/rl-run; a re-run with the same settings resumes from the
last complete one (the trainer restores optimiser, scheduler and RNG states), so an interrupted run ends
where an uninterrupted one would. The final policy is saved atomically to <out>/policy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from rluf_core.config.policy import PolicyConfig
from rluf_core.policy.base_model import trainer_run_args
from rluf_core.policy.chat_format import format_query
from rluf_core.policy.checkpoint import read_meta, save_policy
from rluf_core.policy.progress import ProgressCallback
from rluf_core.policy.rewards import RewardSet

log = logging.getLogger("rluf.policy")


@dataclass
class RLResult:
    path: Path
    summary: dict[str, Any]
    history: list[dict[str, float]]


def rl_dataset(turns: pd.DataFrame, max_prompts: int, seed: int) -> pd.DataFrame:
    """The RL prompts: a seeded sample of training-day turns, formatted queries + raw prompt/context."""
    df = turns.dropna(subset=["prompt"])
    if len(df) > max_prompts:
        df = df.sample(n=max_prompts, random_state=seed)
    ctx = df["context"].where(df["context"].notna(), None).tolist()
    return pd.DataFrame(
        {
            "prompt": [format_query(p, c) for p, c in zip(df["prompt"], ctx)],
            "raw_prompt": df["prompt"].astype(str).tolist(),
            "context": [c if isinstance(c, str) else "" for c in ctx],
        }
    )


def run_fingerprint(cfg: PolicyConfig, base_dir: Path, data: pd.DataFrame, seed: int) -> str:
    """What a resumable run depends on: settings, base policy, prompts, seed."""
    h = hashlib.sha256(json.dumps(cfg.model_dump(mode="json"), sort_keys=True).encode())
    h.update(json.dumps(read_meta(base_dir), sort_keys=True, default=str).encode())
    h.update(pd.util.hash_pandas_object(data, index=False).to_numpy().tobytes())
    h.update(str(seed).encode())
    return h.hexdigest()[:16]


def _trainer_args(
    cfg: PolicyConfig, run_dir: Path, weights: list[float], seed: int, device: str
) -> Any:
    g = cfg.grpo
    common: dict[str, Any] = dict(
        output_dir=str(run_dir),
        max_steps=cfg.steps,
        learning_rate=cfg.learning_rate,
        per_device_train_batch_size=g.prompts_per_step * g.num_generations,
        steps_per_generation=1,
        num_generations=g.num_generations,
        max_completion_length=g.max_completion_tokens,
        temperature=g.temperature,
        top_k=0,
        top_p=1.0,
        beta=cfg.kl_coef,
        num_iterations=g.num_iterations,
        reward_weights=weights,
        logging_steps=g.log_every,
        save_strategy="steps",
        save_steps=g.checkpoint_every,
        save_only_model=False,
        **trainer_run_args(seed, device),
        use_vllm=g.use_vllm,
        lr_scheduler_type="constant",
        warmup_steps=0,
        log_completions=False,
    )
    if cfg.method == "rloo":
        from trl import RLOOConfig

        return RLOOConfig(**common)
    from trl import GRPOConfig

    return GRPOConfig(**common, scale_rewards=g.scale_rewards, loss_type=g.loss_type)


def last_checkpoint(run_dir: Path) -> str | None:
    """The newest complete Trainer checkpoint (one with trainer_state.json) under run_dir."""
    done = [p for p in run_dir.glob("checkpoint-*") if (p / "trainer_state.json").exists()]
    return str(max(done, key=lambda p: int(p.name.split("-")[1]))) if done else None


def train_policy(
    base_dir: str | os.PathLike,
    data: pd.DataFrame,
    rewards: RewardSet,
    cfg: PolicyConfig,
    out_dir: str | os.PathLike,
    *,
    seed: int = 0,
    device: str = "cpu",
    on_metrics: Callable[[int, dict[str, float]], None] | None = None,
    stop_after_steps: int | None = None,
) -> RLResult:
    """GRPO/RLOO from the base policy at base_dir on `data` (rl_dataset's columns)."""
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer

    base_dir, out_dir = Path(base_dir), Path(out_dir)
    fp = run_fingerprint(cfg, base_dir, data, seed)
    run_dir = out_dir / "rl-run" / fp
    funcs, weights = rewards.functions()
    history: list[dict[str, float]] = []

    def record(step: int, logs: dict[str, float]) -> None:
        history.append({"step": step, **logs})
        if on_metrics is not None:
            on_metrics(step, logs)

    tok = AutoTokenizer.from_pretrained(base_dir)
    tok.padding_side = "left"
    model = AutoModelForCausalLM.from_pretrained(base_dir, use_safetensors=True)
    trainer_cls = _trainer_cls(cfg.method)
    trainer = trainer_cls(
        model=model,
        reward_funcs=funcs,
        args=_trainer_args(cfg, run_dir, weights, seed, device),
        train_dataset=Dataset.from_pandas(data, preserve_index=False),
        processing_class=tok,
        callbacks=[ProgressCallback(cfg.method, record, stop_after_steps)],
    )
    resume = last_checkpoint(run_dir)
    if resume:
        log.info("%s: resuming from %s", cfg.method, resume)
    out = trainer.train(resume_from_checkpoint=resume)
    summary = {
        "method": cfg.method,
        "steps": int(out.global_step),
        "fingerprint": fp,
        "resumed_from": resume,
        "train_loss": float(out.training_loss),
        "reward_weights": dict(zip([f.__name__ for f in funcs], weights)),
        "p_love_base": rewards.p_love_base,
        "reference_words": rewards.reference_words,
        "interrupted": out.global_step < cfg.steps,
    }
    if (
        out.global_step < cfg.steps
    ):  # stopped on request: the checkpoint is the state to resume from
        return RLResult(path=run_dir, summary=summary, history=history)
    meta = {
        "name": "policy_checkpoint",
        "kind": cfg.method,
        "seed": seed,
        "base_policy": str(base_dir),
        "max_completion_tokens": cfg.grpo.max_completion_tokens,
        **summary,
    }
    path = save_policy(trainer.model, tok, out_dir / "policy", meta)
    (out_dir / "history.json").write_text(json.dumps(history))
    return RLResult(path=path, summary=summary, history=history)


def _trainer_cls(method: str) -> Any:
    if method == "rloo":
        from trl import RLOOTrainer

        return RLOOTrainer
    from trl import GRPOTrainer

    return GRPOTrainer
