"""The baseline path: KTO (TRL KTOTrainer) straight on feedback_dataset's binary labels.

No reward model: a loved reply is a desirable example, an unloved one undesirable, each weighted as
the de-adversarialised dataset weighs it (rows of weight 0 are dropped; the rest are sampled in
proportion to their weight). The base policy is the reference. It answers "is a reward model then RL
worth it?" by standing next to GRPO in the policy report.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from rluf_core.config.policy import PolicyConfig
from rluf_core.policy.base_model import trainer_run_args
from rluf_core.policy.chat_format import format_completion, format_query
from rluf_core.policy.checkpoint import save_policy
from rluf_core.policy.progress import ProgressCallback
from rluf_core.policy.rl import RLResult


def kto_dataset(feedback: pd.DataFrame, max_rows: int, seed: int) -> pd.DataFrame:
    """Unpaired (prompt, completion, label) rows from the training split, weight-proportional sample."""
    tr = feedback[(feedback["split"] == "train") & (feedback["weight"] > 0)]
    if tr.empty or tr["label"].nunique() < 2:
        raise ValueError(
            f"policy.method kto: feedback_dataset's train split has {len(tr)} weighted rows and "
            f"labels {sorted(tr['label'].unique().tolist())}; KTO needs loved and unloved replies"
        )
    rng = np.random.default_rng(seed)
    pos, neg = tr[tr["label"] == 1], tr[tr["label"] == 0]
    n_pos = min(len(pos), max_rows // 2)

    def take(d: pd.DataFrame, n: int) -> pd.DataFrame:
        p = (d["weight"] / d["weight"].sum()).to_numpy()
        return d.iloc[rng.choice(len(d), n, replace=False, p=p)]

    rows = pd.concat([take(pos, n_pos), take(neg, min(len(neg), max_rows - n_pos))])
    ctx = rows["context"].where(rows["context"].notna(), None)
    return pd.DataFrame(
        {
            "prompt": [format_query(p, c) for p, c in zip(rows["prompt"], ctx)],
            "completion": [format_completion(r) for r in rows["response"]],
            "label": rows["label"].astype(bool).to_numpy(),
        }
    ).sample(frac=1.0, random_state=seed)


def train_kto(
    base_dir: str | os.PathLike,
    feedback: pd.DataFrame,
    cfg: PolicyConfig,
    out_dir: str | os.PathLike,
    *,
    seed: int = 0,
    device: str = "cpu",
    on_metrics: Any = None,
) -> RLResult:
    from datasets import Dataset
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from trl import KTOConfig, KTOTrainer

    base_dir, out_dir = Path(base_dir), Path(out_dir)
    data = kto_dataset(feedback, cfg.kto.max_rows, seed)
    tok = AutoTokenizer.from_pretrained(base_dir)
    model = AutoModelForCausalLM.from_pretrained(base_dir, use_safetensors=True)
    k = cfg.kto
    args = KTOConfig(
        output_dir=str(out_dir / "kto-run"),
        per_device_train_batch_size=k.batch_size,
        num_train_epochs=k.epochs,
        learning_rate=k.learning_rate,
        beta=k.beta,
        desirable_weight=k.desirable_weight,
        undesirable_weight=k.undesirable_weight,
        max_length=cfg.tiny.max_positions,
        logging_steps=cfg.grpo.log_every,
        save_strategy="no",
        **trainer_run_args(seed, device),
    )
    history: list[dict[str, float]] = []

    def record(step: int, logs: dict[str, float]) -> None:
        history.append({"step": step, **logs})
        if on_metrics is not None:
            on_metrics(step, logs)

    trainer = KTOTrainer(
        model=model,
        args=args,
        train_dataset=Dataset.from_pandas(data, preserve_index=False),
        processing_class=tok,
        callbacks=[ProgressCallback("kto", record)],
    )
    out = trainer.train()
    summary = {
        "method": "kto",
        "steps": int(out.global_step),
        "train_loss": float(out.training_loss),
        "kto_rows": len(data),
        "kto_desirable_share": float(data["label"].mean()),
    }
    meta = {
        "name": "policy_checkpoint",
        "kind": "kto",
        "seed": seed,
        "base_policy": str(base_dir),
        "max_completion_tokens": cfg.grpo.max_completion_tokens,
        **summary,
    }
    return RLResult(
        path=save_policy(trainer.model, tok, out_dir / "policy", meta),
        summary=summary,
        history=history,
    )
