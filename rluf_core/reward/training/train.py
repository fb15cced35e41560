"""Train P[Love] from a feedback dataset: rebalance, embed or tokenise, train with checkpoints,
calibrate on validation, save the scorer, predict validation and test."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from rluf_core.config.reward import RewardModelConfig
from rluf_core.reward.features.embed import TextEncoder
from rluf_core.reward.features.featurize import featurize
from rluf_core.reward.features.text import as_text, is_missing, query_texts
from rluf_core.reward.features.writing import WRITING_NAMES
from rluf_core.reward.models import backbone as bb
from rluf_core.reward.models.calibration import Calibrator
from rluf_core.reward.models.finetune import classifier_logits, collate, encode_pairs
from rluf_core.reward.models.head import Head
from rluf_core.reward.models.wide import WideText, choose_mix, mix
from rluf_core.reward.scoring.scorer import PLoveScorer
from rluf_core.reward.training.loop import train_loop
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


@dataclass
class TrainResult:
    scorer: PLoveScorer
    scorer_dir: Path | None
    predictions: pd.DataFrame  # validation and test rows with p_love (and logit)
    summary: dict = field(default_factory=dict)


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
                f"{where}: no rows with split == {s!r} (splits present: {sorted(df['split'].unique())})"
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


def _features(enc: TextEncoder, df: pd.DataFrame, rm: RewardModelConfig, desc: str) -> np.ndarray:
    return featurize(
        enc,
        df["context"].tolist(),
        df["prompt"].tolist(),
        df["response"].tolist(),
        rm.model_dump(),
        desc,
    )


def _add_wide(
    rm: RewardModelConfig,
    tr: pd.DataFrame,
    y_train: np.ndarray,
    w_train: np.ndarray,
    val: pd.DataFrame,
    test: pd.DataFrame,
    z_val: np.ndarray,
    z_test: np.ndarray,
    seed: int,
):
    """Fit the wide model on the training rows, choose its mixing weight on validation, mix both splits."""
    t0 = time.perf_counter()
    wide = WideText(rm.wide_features, rm.wide_prompt_words, rm.wide_C).fit(
        tr["prompt"].tolist(), tr["response"].tolist(), y_train, w_train, seed=seed
    )
    wv, wt = (
        wide.logits(val["prompt"].tolist(), val["response"].tolist()),
        wide.logits(test["prompt"].tolist(), test["response"].tolist()),
    )
    weight, grid = choose_mix(z_val, wv, val["label"].to_numpy(), val["weight"].to_numpy())
    info = dict(weight=weight, head=grid[0.0], wide=grid[1.0], mixed=grid[weight])
    log.info(
        "wide model fitted in %.0fs; validation AUROC head %.4f, wide %.4f, mixed %.4f at weight %.2f",
        time.perf_counter() - t0,
        info["head"],
        info["wide"],
        info["mixed"],
        weight,
    )
    return mix(z_val, wv, weight), mix(z_test, wt, weight), wide, info


@dataclass
class Splits:
    """The rows one training run reads: rebalanced training rows (with weights) and the held-out ones."""

    train: pd.DataFrame
    y_train: np.ndarray
    w_train: np.ndarray
    validation: pd.DataFrame
    test: pd.DataFrame
    shift: PriorShift


@dataclass
class Fitted:
    """A trained model's logits on validation and test, and what the scorer is built from."""

    z_val: np.ndarray
    z_test: np.ndarray
    scorer_kw: dict
    fit: dict


def split_rows(df: pd.DataFrame, rm: RewardModelConfig, seed: int) -> Splits:
    """Rebalance the training split (positives to rm.positive_share), cap the rows of every split."""
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
        "training rows %d (positives %.1f%%, natural rate %.2f%%), validation %d, test %d; method %s",
        len(tr),
        100 * shift.train_rate,
        100 * shift.natural_rate,
        len(val),
        len(test),
        rm.method,
    )
    return Splits(tr, tr["label"].to_numpy(), w_train, val, test, shift)


def scorer_meta(rm: RewardModelConfig, shift: PriorShift, fp: str, seed: int) -> dict:
    """What the saved scorer records about how it was built (read back when it is loaded)."""
    return dict(
        method=rm.method,
        backbone=rm.backbone,
        backbone_id=bb.backbone_id(rm.backbone, seed),
        max_length=rm.max_length,
        chunking=rm.chunking,
        batch_size=rm.batch_size,
        embed_batch_size=rm.embed_batch_size,
        context_turns=rm.context_turns,
        text_features=rm.text_features,
        text_stats=rm.text_stats,
        writing_features=rm.writing_features,
        spelling_language=rm.spelling_language,
        head=rm.head,
        writing_names=list(WRITING_NAMES) if rm.writing_features else None,
        embedding_features=rm.embedding_features,
        relevance_features=rm.relevance_features,
        hidden_size=rm.hidden_size,
        dropout=rm.dropout,
        ensemble=rm.ensemble,
        relevance_counts=rm.relevance_counts,
        trust_remote_code=rm.trust_remote_code,
        prior_shift=shift.to_dict(),
        fingerprint=fp,
        seed=seed,
    )


def fit_head(
    rm: RewardModelConfig,
    sp: Splits,
    meta: dict,
    common: dict,
    seed: int,
    device: str,
    cache_dir: str | os.PathLike | None,
) -> Fitted:
    """Frozen encoder + trained head (rm.method == 'head')."""
    enc = TextEncoder(
        rm.backbone,
        rm.max_length,
        rm.embed_batch_size,
        device,
        cache_dir=cache_dir if rm.cache_embeddings else None,
        trust_remote_code=rm.trust_remote_code,
        seed=seed,
        chunking=rm.chunking,
    )
    x_tr = _features(enc, sp.train, rm, "train")
    head = Head(x_tr.shape[1], rm.head, rm.hidden_size, rm.dropout, members=rm.ensemble)
    head.set_normalisation(x_tr, sp.w_train)
    xt = torch.as_tensor(x_tr)
    fit = train_loop(
        head,
        lambda i: head.member_logits(xt[i]),
        sp.y_train,
        sp.w_train,
        lr=rm.learning_rate,
        desc="train head",
        threads=1,
        **common,
    )
    meta["head_in_dim"] = int(x_tr.shape[1])
    x_val, x_test = (
        _features(enc, sp.validation, rm, "validation"),
        _features(enc, sp.test, rm, "test"),
    )
    return Fitted(
        head.predict_logits(x_val), head.predict_logits(x_test), dict(encoder=enc, head=head), fit
    )


def fit_finetune(rm: RewardModelConfig, sp: Splits, common: dict, seed: int, device: str) -> Fitted:
    """The whole classifier fine-tuned end to end (rm.method == 'finetune')."""
    dev = bb.pick_device(device)
    tok = bb.load_tokenizer(rm.backbone, rm.trust_remote_code)
    clf = bb.load_classifier(rm.backbone, rm.trust_remote_code, seed).to(dev)
    tr = sp.train
    q_tr = query_texts(tr["context"].tolist(), tr["prompt"].tolist(), rm.context_turns)
    enc_tr = encode_pairs(tok, q_tr, tr["response"].tolist(), rm.max_length)
    fit = train_loop(
        clf,
        lambda i: clf(**collate(tok, enc_tr, i, dev)).logits,
        sp.y_train,
        sp.w_train,
        lr=rm.finetune_learning_rate,
        desc="fine-tune",
        **common,
    )

    def _z(frame: pd.DataFrame) -> np.ndarray:
        q = query_texts(frame["context"].tolist(), frame["prompt"].tolist(), rm.context_turns)
        return classifier_logits(
            clf,
            tok,
            encode_pairs(tok, q, frame["response"].tolist(), rm.max_length),
            rm.batch_size,
            dev,
        )

    return Fitted(_z(sp.validation), _z(sp.test), dict(classifier=clf, tokenizer=tok), fit)


def predictions(df: pd.DataFrame, sp: Splits, fitted: Fitted, cal: Calibrator) -> pd.DataFrame:
    """Validation and test rows with their logit and calibrated p_love."""
    keep_cols = [
        c
        for c in (
            "turn_id",
            "conversation_id",
            "user_id",
            "split",
            "label",
            "weight",
            "topic",
            "lang",
            "surface",
            "policy_version",
            "response_chars",
            "day",
        )
        if c in df.columns
    ]
    preds = []
    for frame, z in ((sp.validation, fitted.z_val), (sp.test, fitted.z_test)):
        p = frame[keep_cols].copy()
        if "response_chars" not in p.columns:
            p["response_chars"] = frame["response"].str.len()
        p["logit"], p["p_love"] = z, cal(z)
        preds.append(p)
    return pd.concat(preds, ignore_index=True)


def run_summary(
    fp: str, sp: Splits, fitted: Fitted, cal: Calibrator, mix_auroc: dict, t_start: float
) -> dict:
    """The numbers a run reports: rows, rates, steps, loss, calibration and the wide model's weight."""
    fit = fitted.fit
    return dict(
        fingerprint=fp,
        train_rows=len(sp.train),
        validation_rows=len(sp.validation),
        test_rows=len(sp.test),
        natural_rate=sp.shift.natural_rate,
        train_rate=sp.shift.train_rate,
        steps=fit["steps"],
        resumed_from_step=fit["resumed_from"],
        final_loss=fit.get("final_loss"),
        temperature=cal.temperature,
        calibration_bias=cal.bias,
        train_seconds=time.perf_counter() - t_start,
        **{f"validation_auroc_{k}": v for k, v in mix_auroc.items() if k != "weight"},
        wide_weight=mix_auroc.get("weight", 0.0),
        **({"calibration_skipped": cal.skipped} if cal.skipped else {}),
    )


def train_reward_model(
    df: pd.DataFrame,
    rm: RewardModelConfig,
    work_dir: str | os.PathLike,
    *,
    seed: int = 0,
    cache_dir: str | os.PathLike | None = None,
    device: str = "cpu",
    stop_after_steps: int | None = None,
    save: bool = True,
) -> TrainResult:
    """Train, calibrate and save a PLoveScorer under work_dir/scorer; checkpoints in work_dir/ckpt.

    save=False keeps the scorer in memory only (cross-validation)."""
    t_start = time.perf_counter()
    df = check_frame(df)
    torch.manual_seed(seed)
    work_dir = Path(work_dir)
    fp = fingerprint(df, rm, seed)
    sp = split_rows(df, rm, seed)
    meta = scorer_meta(rm, sp.shift, fp, seed)
    common = dict(
        epochs=rm.epochs,
        batch_size=rm.batch_size,
        weight_decay=rm.weight_decay,
        seed=seed,
        ckpt_dir=work_dir / "ckpt" / fp,
        checkpoint_every=rm.checkpoint_every_steps,
        fingerprint=fp,
        stop_after_steps=stop_after_steps,
    )
    fitted = (
        fit_head(rm, sp, meta, common, seed, device, cache_dir)
        if rm.method == "head"
        else fit_finetune(rm, sp, common, seed, device)
    )
    if not fitted.fit["finished"]:
        raise InterruptedError(
            f"training stopped at step {fitted.fit['steps']}/{fitted.fit['total_steps']} "
            f"(checkpoint kept)"
        )
    mix_auroc: dict = {}
    if rm.wide:
        fitted.z_val, fitted.z_test, fitted.scorer_kw["wide"], mix_auroc = _add_wide(
            rm,
            sp.train,
            sp.y_train,
            sp.w_train,
            sp.validation,
            sp.test,
            fitted.z_val,
            fitted.z_test,
            seed,
        )
        meta["wide"] = dict(fitted.scorer_kw["wide"].meta(), weight=mix_auroc["weight"])
    cal = Calibrator(
        rm.calibration,
        prior_offset=sp.shift.logit_offset,
        min_per_class=rm.calibration_min_per_class,
    ).fit(fitted.z_val, sp.validation["label"].to_numpy(), sp.validation["weight"].to_numpy())
    scorer = PLoveScorer(meta, cal, device=device, **fitted.scorer_kw)
    scorer_dir = scorer.save(work_dir / "scorer") if save else None
    summary = run_summary(fp, sp, fitted, cal, mix_auroc, t_start)
    log.info("trained P[Love] in %.0fs: %s", summary["train_seconds"], summary)
    return TrainResult(scorer, scorer_dir, predictions(df, sp, fitted, cal), summary)
