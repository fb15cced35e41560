"""P[Love] fine-tuned end to end on a GPU vs the CPU default (frozen encoder + head), same rows.

Run where a GPU is (same training code as the job, rluf_core.reward.training.train):
    python -m benchmarks.reward_finetune_gpu --feedback <lake>/datasets/feedback_dataset/data.parquet \
        --truth '<home>/ground_truth/datasets/turns/date=*/part-0.parquet' [--backbone PATH] [--method head]
Prints the test AUROC, the text-level ceiling on the same rows and their ratio; writes
benchmarks/results/reward_finetune_gpu.json (or $OUT/ when set).
"""

import argparse
import glob
import json
import logging
import os
import time

import pandas as pd
import torch
from sklearn.metrics import roc_auc_score

from rluf_core.config.reward import RewardModelConfig
from rluf_core.reward.training.train import train_reward_model


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--feedback", required=True)
    ap.add_argument("--truth", required=True, help="glob of ground-truth turns parquet files")
    ap.add_argument("--backbone", default="minilm")
    ap.add_argument("--method", default="finetune", choices=["finetune", "head"])
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=128)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    a = ap.parse_args()
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(name)s %(message)s"
    )  # the trainer's progress lines
    df = pd.read_parquet(a.feedback)
    truth = pd.concat(
        pd.read_parquet(p, columns=["turn_id", "p_love_text", "p_love_user"])
        for p in glob.glob(a.truth)
    )
    over = dict(method=a.method, backbone=a.backbone, cache_embeddings=False)
    if a.method == "finetune":
        over.update(epochs=a.epochs, batch_size=a.batch_size, finetune_learning_rate=a.lr)
    t = time.time()
    res = train_reward_model(df, RewardModelConfig(**over), "/tmp/rluf_reward_gpu", device=a.device)
    te = res.predictions.merge(truth, on="turn_id", how="left").query("split == 'test'")
    row = dict(
        device=torch.cuda.get_device_name(0) if a.device == "cuda" else "cpu",
        method=a.method,
        seconds=round(time.time() - t, 1),
        train_rows=res.summary["train_rows"],
        test_rows=len(te),
        auroc=roc_auc_score(te.label, te.p_love),
        ceiling=roc_auc_score(te.label, te.p_love_text),
        user_level=roc_auc_score(te.label, te.p_love_user),
    )
    row["ratio"] = row["auroc"] / row["ceiling"]
    print(
        "| "
        + " | ".join(row)
        + " |\n|"
        + "---|" * len(row)
        + "\n| "
        + " | ".join(f"{v:.4f}" if isinstance(v, float) else str(v) for v in row.values())
        + " |"
    )
    out = os.environ.get("OUT") or os.path.join(os.path.dirname(__file__), "results")
    with open(os.path.join(out, "reward_finetune_gpu.json"), "w") as f:
        json.dump({"rows": [row]}, f, indent=2)


if __name__ == "__main__":
    main()
