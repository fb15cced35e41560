"""OASST: MiniLM fine-tuned end to end on (query, reply) pairs, alone and beside the chosen feature model.

Only `dev` is read: the same grouped 5-fold split of dev as `python -m rluf_core.reward.oasst` (dev_folds), the
same training code as the pipeline (train_reward_model, method finetune). Each setting is fitted on four folds
and scored on the fifth, for each seed; "with features" averages its standardised held-out logit with that of
the chosen feature candidate (length, depth and writing; no weight is fitted, so nothing is chosen on the
held-out fold). Paired deltas against the feature candidate alone, with standard errors over folds x seeds.

    python -m benchmarks.oasst_finetune_gpu [--path P] [--backbone PATH] [--seeds 0,1] [--device cuda] [--quick]

Then, as a check of the GPU path: the first setting trained on dev's train split, saved, loaded back onto the
device as a PLoveScorer and scored on dev's validation split; the loaded scorer must give the trained one's
probabilities. Writes benchmarks/results/oasst_finetune_gpu.json.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

RESULT_FILE = "oasst_finetune_gpu.json"
CHOSEN = "length_depth_writing_logistic"
# fine-tuning settings: the pipeline's finetune method; balanced classes (positive_share 0.5) unless named
GRID = {
    "ft lr 2e-5, 3 epochs, 256 tokens": dict(finetune_learning_rate=2e-5, epochs=3, max_length=256),
    "ft lr 5e-5, 3 epochs, 256 tokens": dict(finetune_learning_rate=5e-5, epochs=3, max_length=256),
    "ft lr 2e-5, 6 epochs, 256 tokens": dict(finetune_learning_rate=2e-5, epochs=6, max_length=256),
    "ft lr 3e-5, 3 epochs, 128 tokens, share 0.1": dict(
        finetune_learning_rate=3e-5, epochs=3, max_length=128, positive_share=0.1
    ),
}
FT_BASE = dict(
    method="finetune",
    batch_size=16,
    positive_share=0.5,
    checkpoint_every_steps=100_000,
    cache_embeddings=False,
)


def _held_out_logits(fold: pd.DataFrame, rm, seed: int, device: str) -> pd.Series:
    from rluf_core.reward.training.train import train_reward_model

    with tempfile.TemporaryDirectory() as tmp:
        res = train_reward_model(fold, rm, tmp, seed=seed, device=device, save=False)
    t = res.predictions[res.predictions["split"] == "test"]
    return pd.Series(t["logit"].to_numpy(), index=t["turn_id"].to_numpy())


def _z(s: pd.Series) -> pd.Series:
    return (s - s.mean()) / (s.std() or 1.0)


def run(args) -> dict:
    import torch

    from rluf_core.config.reward import RewardModelConfig
    from rluf_core.reward.oasst.study import BASE, CANDIDATES, dev_folds, fold_frame, load_oasst

    grid = dict(list(GRID.items())[:1]) if args.quick else GRID
    seeds = [0] if args.quick else [int(s) for s in args.seeds.split(",")]
    df = load_oasst(args.path)
    dev = df[df["oasst_split"] == "dev"].reset_index(drop=True)
    splits = dev_folds(dev)
    if args.quick:
        splits = splits[:2]
    labels = dev.set_index("turn_id")["label"]
    feat_rm = RewardModelConfig(**{**BASE, **CANDIDATES[CHOSEN], "backbone": args.backbone})
    rows, per_fold = [], []
    t_all = time.perf_counter()
    chosen = {
        k: _held_out_logits(fold_frame(dev, ho), feat_rm, 0, "cpu")
        for k, (_, ho) in enumerate(splits)
    }
    for k, z in chosen.items():
        per_fold.append(
            dict(
                setting=CHOSEN,
                seed=0,
                fold=k,
                auroc=roc_auc_score(labels[z.index], z),
                with_features=None,
            )
        )
    for name, over in grid.items():
        rm = RewardModelConfig(**{**BASE, **FT_BASE, **over, "backbone": args.backbone})
        for seed in seeds:
            for k, (_, ho) in enumerate(splits):
                t = time.perf_counter()
                z = _held_out_logits(fold_frame(dev, ho), rm, seed, args.device)
                y = labels[z.index]
                both = _z(z) + _z(chosen[k][z.index])
                per_fold.append(
                    dict(
                        setting=name,
                        seed=seed,
                        fold=k,
                        auroc=roc_auc_score(y, z),
                        with_features=roc_auc_score(y, both),
                        seconds=time.perf_counter() - t,
                    )
                )
                print(
                    f"{name} seed {seed} fold {k}: AUROC {per_fold[-1]['auroc']:.4f}, with features "
                    f"{per_fold[-1]['with_features']:.4f} ({per_fold[-1]['seconds']:.1f}s)",
                    flush=True,
                )
    pf = pd.DataFrame(per_fold)
    base = pf[pf["setting"] == CHOSEN].set_index("fold")["auroc"]
    rows.append(
        dict(
            setting=CHOSEN + " (chosen, features)",
            cv_auroc=float(base.mean()),
            with_features=float("nan"),
            delta_vs_chosen=0.0,
            delta_se=0.0,
            fits=len(base),
        )
    )
    for name in grid:
        g = pf[pf["setting"] == name]
        d = g["with_features"].to_numpy() - base.loc[g["fold"]].to_numpy()
        rows.append(
            dict(
                setting=name,
                cv_auroc=float(g["auroc"].mean()),
                with_features=float(g["with_features"].mean()),
                delta_vs_chosen=float(d.mean()),
                delta_se=float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else float("nan"),
                fits=len(g),
            )
        )
    out = dict(
        rows=rows,
        per_fold=per_fold,
        dev_rows=int(len(dev)),
        folds=len(splits),
        seeds=seeds,
        device=torch.cuda.get_device_name(0) if args.device == "cuda" else args.device,
        cv_seconds=time.perf_counter() - t_all,
    )
    out["round_trip"] = round_trip(
        df[df["oasst_split"] == "dev"],
        RewardModelConfig(
            **{**BASE, **FT_BASE, **next(iter(grid.values())), "backbone": args.backbone}
        ),
        args.device,
    )
    return out


def round_trip(dev: pd.DataFrame, rm, device: str) -> dict:
    """Train on dev's train split, save, load the scorer back onto `device`, score dev's validation split."""
    from rluf_core.reward.scoring.scorer import PLoveScorer
    from rluf_core.reward.training.train import train_reward_model

    val = dev[dev["split"] == "validation"]
    frame = pd.concat([dev, val.assign(split="test")], ignore_index=True)  # test is never read here
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        res = train_reward_model(frame, rm, tmp, seed=0, device=device)
        trained = time.perf_counter() - t
        scorer = PLoveScorer.load(res.scorer_dir, device=device)
        t = time.perf_counter()
        p = scorer.score(val["context"].tolist(), val["prompt"].tolist(), val["response"].tolist())
        scored = time.perf_counter() - t
    ref = res.predictions[res.predictions["split"] == "validation"].set_index("turn_id")["p_love"]
    diff = float(np.max(np.abs(p - ref.loc[val["turn_id"]].to_numpy())))
    return dict(
        device=str(scorer.device),
        train_seconds=trained,
        scored_rows=len(val),
        score_seconds=scored,
        max_abs_diff_loaded_vs_trained=diff,
        validation_auroc=float(roc_auc_score(val["label"], p)),
        ok=diff < 1e-4,
    )


def main(argv: list[str] | None = None) -> int:
    import torch

    from benchmarks.run import machine, print_table, write_result
    from rluf_core.reward.oasst.study import DEFAULT_PATH

    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.oasst_finetune_gpu", description=__doc__.splitlines()[0]
    )
    ap.add_argument("--path", default=DEFAULT_PATH)
    ap.add_argument("--backbone", default="minilm")
    ap.add_argument("--seeds", default="0,1")
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--quick", action="store_true", help="one setting, one seed, two folds")
    args = ap.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s"
    )
    t0, at = time.perf_counter(), machine()
    out = run(args)
    path = write_result(
        RESULT_FILE, {"benchmark": "oasst_finetune_gpu", **out}, t0, at, quick=args.quick
    )
    print_table(out["rows"])
    print("round trip:", out["round_trip"])
    print(f"wrote {path}")
    return 0 if out["round_trip"]["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
