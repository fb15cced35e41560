"""A content-quality signal built without ground truth.

The population's positive reactions are the only evidence of quality rluf has. A text model
(hashed word n-grams of the response, each response's counts normalised to sum to one so that the
model scores the density of good or bad words rather than their amount (``word_norm``), plus words crossed
with the content kind so that "on topic" can be learnt; L2 logistic regression) learns P(positive | response) from the labelled turns of the
last days, each user's total weight capped so that a few prolific accounts (bots, brigades, trolls)
cannot steer it, and each row weighted by how far its user is trusted (the previous day's
reputation: flagged accounts out, the others by 1 - their inverted-rater posterior). Its logit, standardised within each content kind (topic), says
how much better or worse than usual the population finds a response (standardised in daily_stats): a reaction on a turn with
z > 0 agrees with the crowd, one on z < 0 disagrees.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import HashingVectorizer
from scipy.sparse import hstack
from sklearn.linear_model import LogisticRegression

from rluf_core.config.adversarial import QualitySignalConfig
from rluf_core.hashed_text import MAX_CHARS, word_hasher

log = logging.getLogger(__name__)

QUALITY_SAMPLE_DATASET = "quality_fit_sample"


def quality_fit_sample(labeled: pd.DataFrame, max_rows: int, seed: int) -> pd.DataFrame:
    """One day's labelled turns for later days' quality fits: every positive and a seeded sample of the
    negatives up to max_rows in all, with ``fit_weight`` undoing the negatives' sampling."""
    lab = labeled[labeled["label"].notna()]
    pos, neg = lab[lab["label"].astype(int) == 1], lab[lab["label"].astype(int) == 0]
    k = min(len(neg), max(max_rows - len(pos), 0))
    negs = neg.sample(n=k, random_state=seed % 2**31) if k < len(neg) else neg
    w = len(neg) / max(k, 1)
    return pd.concat([pos.assign(fit_weight=1.0), negs.assign(fit_weight=w)], ignore_index=True)


def _texts(df: pd.DataFrame) -> pd.Series:
    return df["response"].fillna("").astype(str).str.slice(0, MAX_CHARS)


def _kind_vectorizer(cfg: QualitySignalConfig) -> HashingVectorizer:
    return HashingVectorizer(n_features=cfg.n_features, alternate_sign=False, norm="l2", token_pattern=r"\S+",
                             lowercase=False)


def _kind_crossed(df: pd.DataFrame) -> list[str]:
    """Each word of the response prefixed with the row's content kind (topic): 'coding|loop'."""
    kind = df["topic"].fillna("").astype(str).str.replace(r"\s+", "_", regex=True).to_numpy()
    words = _texts(df).str.lower().str.findall(r"(?u)\b\w+\b")
    return [" ".join(f"{k}|{w}" for w in ws) for k, ws in zip(kind, words)]


class QualityModel:
    """P(positive | response text) fitted on the population, or a constant when there is no signal."""

    def __init__(self, cfg: QualitySignalConfig, seed: int = 0):
        self.cfg = cfg
        self.seed = seed
        self.vec = word_hasher(cfg.n_features, norm=cfg.word_norm)
        self.kind_vec = _kind_vectorizer(cfg)
        self.clf: LogisticRegression | None = None
        self.n_fit = 0

    def hash_words(self, turns: pd.DataFrame):
        """The turns' hashed response words (the ``plain`` part of the features; also what texts cluster on)."""
        return self.vec.transform(_texts(turns))

    def transform(self, turns: pd.DataFrame, plain=None):
        """Features of the turns; ``plain``: their hashed response words when already computed."""
        X = self.hash_words(turns) if plain is None else plain
        if self.cfg.kind_features and "topic" in turns.columns:
            X = hstack([X, self.kind_vec.transform(_kind_crossed(turns))], format="csr")
        return X

    def fit(self, turns: pd.DataFrame, label: pd.Series, trust: pd.Series | None = None) -> "QualityModel":
        """Fit on turns (needs response, user_id) with a 0/1 label; per-user weight capped; ``trust``
        (0..1 per row, default 1) and an optional ``fit_weight`` column multiply each row's weight."""
        label = label.astype(int).to_numpy()
        trust_w = np.ones(len(label)) if trust is None else np.clip(np.asarray(trust, dtype=float), 0.0, 1.0)
        if "fit_weight" in turns.columns:  # rows standing for several (sampled days' negatives)
            trust_w = trust_w * turns["fit_weight"].fillna(1.0).to_numpy(dtype=float)
        rng = np.random.default_rng(self.seed)
        pos = np.flatnonzero(label == 1)
        neg = np.flatnonzero(label == 0)
        if len(pos) < 5 or len(neg) < 5:
            log.warning("quality signal: %d positive / %d negative turns, too few to fit; constant", len(pos), len(neg))
            return self
        n_neg = min(len(neg), max(self.cfg.max_rows - len(pos), len(pos)))
        idx = np.sort(np.concatenate([pos, rng.choice(neg, size=n_neg, replace=False)]))
        sub = turns.iloc[idx]
        y = label[idx]
        keep = trust_w[idx] > 0
        sub, y, idx = sub[keep], y[keep], idx[keep]
        if (y == 1).sum() < 5 or (y == 0).sum() < 5:
            log.warning("quality signal: too few trusted rows to fit; constant")
            return self
        # Each user's total weight is at most user_weight_cap (per class, so the prior stays put).
        w = np.ones(len(sub))
        users = sub["user_id"].astype(str).to_numpy()
        for cls in (0, 1):
            m = y == cls
            counts = pd.Series(users[m]).map(pd.Series(users[m]).value_counts()).to_numpy()
            w[m] = np.minimum(1.0, self.cfg.user_weight_cap / counts)
        w[y == 0] *= len(neg) / n_neg  # undo the negative subsampling
        w *= trust_w[idx]
        X = self.transform(sub)
        # L2 strength alpha per (weighted) row, as SGD's alpha: C = 1 / (alpha * total weight)
        self.clf = LogisticRegression(C=1.0 / (self.cfg.alpha * w.sum()), max_iter=300, random_state=self.seed)
        self.clf.fit(X, y, sample_weight=w)
        self.n_fit = len(sub)
        return self

    def logit(self, turns: pd.DataFrame, plain=None) -> np.ndarray:
        if self.clf is None or len(turns) == 0:
            return np.zeros(len(turns))
        return self.clf.decision_function(self.transform(turns, plain))
