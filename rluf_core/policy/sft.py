"""The base policy: a causal LM fine-tuned on (prompt, production reply) pairs with TRL's SFTTrainer.

For 'tiny' the model and its tokenizer are built from the training turns, so its replies read like the
production ones; a pretrained base model is fine-tuned the same way (or used as is with sft.enabled off).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from rluf_core.config.policy import PolicyConfig
from rluf_core.policy.base_model import build_tiny, load_pretrained, trainer_run_args, with_lora
from rluf_core.policy.chat_format import format_completion, format_query, opening_message
from rluf_core.policy.checkpoint import save_policy
from rluf_core.policy.progress import ProgressCallback

log = logging.getLogger("rluf.policy")


@dataclass
class SFTResult:
    path: Path
    summary: dict[str, Any]


def sft_pairs(turns: pd.DataFrame, max_pairs: int, seed: int) -> pd.DataFrame:
    """(prompt, completion) rows in the chat format, a seeded sample of at most max_pairs turns."""
    df = turns.dropna(subset=["prompt", "response"])
    df = df[df["response"].astype(str).str.strip() != ""]
    if len(df) > max_pairs:
        df = df.sample(n=max_pairs, random_state=seed)
    return pd.DataFrame(
        {
            "prompt": [format_query(p, c) for p, c in zip(df["prompt"], df["context"])],
            "completion": [format_completion(r) for r in df["response"]],
        }
    )


def tokenizer_texts(turns: pd.DataFrame, n: int = 40_000, seed: int = 0) -> list[str]:
    df = turns.sample(n=min(n, len(turns)), random_state=seed)
    openings = [o for o in map(opening_message, df["context"]) if o]
    return df["prompt"].astype(str).tolist() + df["response"].astype(str).tolist() + openings


def train_base_policy(
    turns: pd.DataFrame,
    cfg: PolicyConfig,
    out_dir: str | os.PathLike,
    *,
    seed: int = 0,
    device: str = "cpu",
) -> SFTResult:
    """Build or load the base model, fine-tune it on `turns` and save it to out_dir/policy."""
    from datasets import Dataset
    from trl import SFTConfig, SFTTrainer

    out_dir = Path(out_dir)
    if cfg.base_model == "tiny":
        model, tok = build_tiny(tokenizer_texts(turns, seed=seed), cfg, seed)
    else:
        model, tok = load_pretrained(cfg.base_model, cfg)
    pairs = sft_pairs(turns, cfg.sft.max_pairs, seed)
    summary: dict[str, Any] = {
        "sft_pairs": len(pairs),
        "base_model": cfg.base_model,
        "parameters": int(sum(p.numel() for p in model.parameters())),
    }
    if cfg.sft.enabled or cfg.base_model == "tiny":
        s = cfg.sft
        args = SFTConfig(
            output_dir=str(out_dir / "sft-run"),
            per_device_train_batch_size=s.batch_size,
            num_train_epochs=s.epochs,
            learning_rate=s.learning_rate,
            lr_scheduler_type="cosine",
            warmup_steps=s.warmup_steps,
            logging_steps=20,
            save_strategy="no",
            **trainer_run_args(seed, device),
            max_length=cfg.tiny.max_positions,
            completion_only_loss=True,
        )
        trainer = SFTTrainer(
            model=with_lora(model, cfg.lora),
            args=args,
            processing_class=tok,
            train_dataset=Dataset.from_pandas(pairs, preserve_index=False),
            callbacks=[ProgressCallback("sft")],
        )
        out = trainer.train()
        model = trainer.model  # type: ignore[assignment]  # the trained (maybe PEFT) model
        summary.update(sft_loss=float(out.training_loss), sft_steps=int(out.global_step))
    meta = {
        "name": "base_policy",
        "kind": "sft",
        "seed": seed,
        **summary,
        "max_completion_tokens": cfg.grpo.max_completion_tokens,
        "trust_remote_code": cfg.trust_remote_code,
    }
    path = save_policy(model, tok, out_dir / "policy", meta)
    return SFTResult(path=path, summary=summary)
