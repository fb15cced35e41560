"""A content-quality signal built without ground truth.

The population's positive reactions are the only evidence of quality rluf has. A text model
(hashed word n-grams of the response, SGD logistic regression) learns P(positive | response) from one
day's labelled turns, each user's total weight capped so that a few prolific accounts (bots,
brigades, trolls) cannot steer it. Its logit, standardised within each content kind (topic), says
how much better or worse than usual the population finds a response (standardised in daily_stats): a reaction on a turn with
z > 0 agrees with the crowd, one on z < 0 disagrees.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import SGDClassifier

from rluf_core.config.adversarial import QualitySignalConfig

log = logging.getLogger(__name__)


def _vectorizer(cfg: QualitySignalConfig) -> HashingVectorizer:
    return HashingVectorizer(
        n_features=cfg.n_features, ngram_range=(1, 2), alternate_sign=False, norm="l2",
        token_pattern=r"(?u)\b\w+\b|[^\w\s]",
    )


def _texts(df: pd.DataFrame) -> pd.Series:
    return df["response"].fillna("").astype(str).str.slice(0, 4000)


class QualityModel:
    """P(positive | response text) fitted on the population, or a constant when there is no signal."""

    def __init__(self, cfg: QualitySignalConfig, seed: int = 0):
        self.cfg = cfg
        self.seed = seed
        self.vec = _vectorizer(cfg)
        self.clf: SGDClassifier | None = None
        self.n_fit = 0

    def fit(self, turns: pd.DataFrame, label: pd.Series) -> "QualityModel":
        """Fit on turns (needs response, user_id) with a 0/1 label; per-user weight capped."""
        label = label.astype(int).to_numpy()
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
        # Each user's total weight is at most user_weight_cap (per class, so the prior stays put).
        w = np.ones(len(sub))
        users = sub["user_id"].astype(str).to_numpy()
        for cls in (0, 1):
            m = y == cls
            counts = pd.Series(users[m]).map(pd.Series(users[m]).value_counts()).to_numpy()
            w[m] = np.minimum(1.0, self.cfg.user_weight_cap / counts)
        w[y == 0] *= len(neg) / n_neg  # undo the negative subsampling
        X = self.vec.transform(_texts(sub))
        self.clf = SGDClassifier(loss="log_loss", alpha=self.cfg.alpha, max_iter=20, tol=None, random_state=self.seed)
        self.clf.fit(X, y, sample_weight=w)
        self.n_fit = len(sub)
        return self

    def logit(self, turns: pd.DataFrame) -> np.ndarray:
        if self.clf is None or len(turns) == 0:
            return np.zeros(len(turns))
        return self.clf.decision_function(self.vec.transform(_texts(turns)))
