"""Fitting P[Love]'s model on the training rows: a frozen encoder with a trained head, or the whole
classifier fine-tuned; optionally mixed with the wide text model. Each gives logits on validation
and test, and what the scorer is built from."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from rluf_core.config.reward import RewardModelConfig
from rluf_core.reward.features.embed import TextEncoder
from rluf_core.reward.features.featurize import featurize
from rluf_core.reward.features.text import query_texts
from rluf_core.reward.models import backbone as bb
from rluf_core.reward.models.finetune import classifier_logits, collate, encode_pairs
from rluf_core.reward.models.head import Head
from rluf_core.reward.models.wide import WideText, choose_mix, mix
from rluf_core.reward.training.loop import train_loop
from rluf_core.reward.training.rows import Splits

log = logging.getLogger("rluf.reward.train")


@dataclass
class Fitted:
    """A trained model's logits on validation and test, and what the scorer is built from."""

    z_val: np.ndarray
    z_test: np.ndarray
    scorer_kw: dict
    fit: dict


def _features(enc: TextEncoder, df: pd.DataFrame, rm: RewardModelConfig, desc: str) -> np.ndarray:
    return featurize(
        enc,
        df["context"].tolist(),
        df["prompt"].tolist(),
        df["response"].tolist(),
        rm.model_dump(),
        desc,
    )


def add_wide(
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
    """Fit the wide model on the training rows, choose its mixing weight on validation, mix both
    splits."""
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
        "wide model fitted in %.0fs; validation AUROC head %.4f, wide %.4f, mixed %.4f "
        "at weight %.2f",
        time.perf_counter() - t0,
        info["head"],
        info["wide"],
        info["mixed"],
        weight,
    )
    return mix(z_val, wv, weight), mix(z_test, wt, weight), wide, info


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
