"""Train P[Love] from a feedback dataset, in named steps: check the rows and split them (rows.py),
fit the model (fit.py), calibrate on validation, save the scorer, predict validation and test."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import torch

from rluf_core.config.reward import RewardModelConfig
from rluf_core.reward.features.writing import WRITING_NAMES
from rluf_core.reward.models import backbone as bb
from rluf_core.reward.models.calibration import Calibrator
from rluf_core.reward.scoring.scorer import PLoveScorer
from rluf_core.reward.training.fit import Fitted, add_wide, fit_finetune, fit_head
from rluf_core.reward.training.rows import Splits, check_frame, fingerprint, split_rows
from rluf_core.reward.training.sampling import PriorShift

log = logging.getLogger("rluf.reward.train")


@dataclass
class TrainResult:
    scorer: PLoveScorer
    scorer_dir: Path | None
    predictions: pd.DataFrame  # validation and test rows with p_love (and logit)
    summary: dict = field(default_factory=dict)


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
    """The numbers a run reports: rows, rates, steps, loss, calibration and the wide model's
    weight."""
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
        fitted.z_val, fitted.z_test, fitted.scorer_kw["wide"], mix_auroc = add_wide(
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
