"""The training rows of P[Love]: the feedback frame checked, its fingerprint (what a checkpoint is
resumed for), and the splits one run reads (training rows rebalanced, every split capped)."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rluf_core.config.reward import RewardModelConfig
from rluf_core.reward.features.text import as_text, is_missing
from rluf_core.reward.features.writing import WRITING_NAMES
from rluf_core.reward.models import backbone as bb
from rluf_core.reward.training.sampling import PriorShift, rebalance

log = logging.getLogger("rluf.reward.train")

REQUIRED = ("turn_id", "prompt", "response", "label", "split")
EVAL_KEYS = {
    "max_ece",
    "model_name",
    "ece_bins",
    "bootstrap",
    "slices",
    "min_slice_rows",
    "min_auroc_margin",
    "cache_embeddings",
    "checkpoint_every_steps",
    "embed_batch_size",
}


def check_frame(df: pd.DataFrame, where: str = "feedback_dataset") -> pd.DataFrame:
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise ValueError(f"{where}: missing column(s) {missing}; has {list(df.columns)}")
    df = df.copy()
    if "weight" not in df.columns:
        df["weight"] = 1.0
    if "context" not in df.columns:
        df["context"] = None
    bad = ~df["label"].isin([0, 1, True, False])
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(f"{where}: row {i}: label must be 0/1, got {df['label'].iloc[i]!r}")
    w = pd.to_numeric(df["weight"], errors="coerce")
    bad = w.isna() | (w < 0) | ~np.isfinite(w.fillna(0))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(
            f"{where}: row {i}: weight must be a finite number >= 0, got {df['weight'].iloc[i]!r}"
        )
    df["label"], df["weight"] = df["label"].astype(int), w.astype(float)
    for s in ("train", "validation", "test"):
        if not (df["split"] == s).any():
            raise ValueError(
                f"{where}: no rows with split == {s!r} "
                f"(splits present: {sorted(df['split'].unique())})"
            )
    df["prompt"] = df["prompt"].map(as_text)
    df["response"] = df["response"].map(as_text)
    return df


def fingerprint(df: pd.DataFrame, rm: RewardModelConfig, seed: int) -> str:
    h = hashlib.sha256()
    h.update(
        json.dumps(
            {k: v for k, v in rm.model_dump().items() if k not in EVAL_KEYS}, sort_keys=True
        ).encode()
    )
    h.update(str(seed).encode())
    if rm.writing_features:  # a checkpoint of other writing features is not resumed
        h.update(json.dumps(WRITING_NAMES).encode())
    h.update(bb.backbone_id(rm.backbone, seed).encode())
    h.update(
        pd.util.hash_pandas_object(
            df[["turn_id", "label", "weight", "split", "prompt", "response"]], index=False
        ).values.tobytes()
    )
    h.update(
        pd.util.hash_pandas_object(df["context"].map(context_key), index=False).values.tobytes()
    )
    return h.hexdigest()[:16]


def context_key(context: object) -> str:
    """A context cell as text for hashing (JSON text, a list, an array from Parquet, or nothing)."""
    if isinstance(context, (list, tuple, np.ndarray)):
        return json.dumps(list(context), sort_keys=True, default=str)
    return "" if is_missing(context) else str(context)


def _cap(df: pd.DataFrame, n: int | None, seed: int) -> pd.DataFrame:
    return df if n is None or len(df) <= n else df.sample(n=n, random_state=seed).sort_index()


@dataclass
class Splits:
    """The rows one training run reads: rebalanced training rows (with weights) and the held-out
    ones."""

    train: pd.DataFrame
    y_train: np.ndarray
    w_train: np.ndarray
    validation: pd.DataFrame
    test: pd.DataFrame
    shift: PriorShift


def split_rows(df: pd.DataFrame, rm: RewardModelConfig, seed: int) -> Splits:
    """Rebalance the training split (positives to rm.positive_share), cap the rows of every
    split."""
    train = df[df["split"] == "train"].reset_index(drop=True)
    idx, w_train, shift = rebalance(
        train["label"].to_numpy(), train["weight"].to_numpy(), rm.positive_share, rm.imbalance, seed
    )
    if rm.max_train_rows is not None and len(idx) > rm.max_train_rows:
        keep = np.sort(
            np.random.default_rng(seed + 1).choice(len(idx), rm.max_train_rows, replace=False)
        )
        idx, w_train = idx[keep], w_train[keep]
    tr = train.iloc[idx].reset_index(drop=True)
    val = _cap(df[df["split"] == "validation"], rm.max_validation_rows, seed).reset_index(drop=True)
    test = _cap(df[df["split"] == "test"], rm.max_test_rows, seed).reset_index(drop=True)
    log.info(
        "training rows %d (positives %.1f%%, natural rate %.2f%%), validation %d, test %d; "
        "method %s",
        len(tr),
        100 * shift.train_rate,
        100 * shift.natural_rate,
        len(val),
        len(test),
        rm.method,
    )
    return Splits(tr, tr["label"].to_numpy(), w_train, val, test, shift)
