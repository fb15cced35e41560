"""The wide part of P[Love]: a sparse linear model over hashed words, mixed with the head's logit.

Frozen sentence embeddings blur the exact words that people react to (a sign-off, a concrete step, a
phrase in one language). A logistic regression over hashed word unigrams and bigrams of the response
(and words of the prompt) keeps them; it is trained on the same rebalanced, weighted training rows
as the head, so both estimate the same log-odds, and the scorer's logit is
``(1 - w) * head + w * wide`` with the mixing weight ``w`` chosen on the validation split (AUROC,
over a grid; 0 keeps the head alone) before calibration. Hashing needs no vocabulary: the model is
its coefficients and the hashing settings, saved with the scorer.

Measured on the default simulated scenario (feedback_dataset of `make demo`, test split AUROC):
head alone 0.764, wide alone 0.772 (response words only), mixed higher; see README.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from scipy.sparse import hstack
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from rluf_core.hashed_text import MAX_CHARS, clip_texts, word_hasher

MIX_GRID = np.round(np.arange(0.0, 1.0001, 0.05), 2)


class WideText:
    """Hashed word features of (prompt, response) and a weighted L2 logistic regression over them."""

    def __init__(
        self,
        n_features: int = 2**18,
        prompt_features: bool = True,
        C: float = 1.0,
        max_chars: int = MAX_CHARS,
    ):
        self.n_features, self.prompt_features, self.C, self.max_chars = (
            n_features,
            prompt_features,
            C,
            max_chars,
        )
        self.response_vec = word_hasher(n_features)
        self.prompt_vec = HashingVectorizer(
            n_features=max(n_features // 4, 1024), alternate_sign=False, norm="l2"
        )
        self.coef: np.ndarray | None = None
        self.intercept = 0.0

    def features(self, prompts: Sequence, responses: Sequence):
        X = self.response_vec.transform(clip_texts(responses, self.max_chars))
        if self.prompt_features:
            X = hstack(
                [X, self.prompt_vec.transform(clip_texts(prompts, self.max_chars))], format="csr"
            )
        return X

    def fit(
        self,
        prompts: Sequence,
        responses: Sequence,
        labels: np.ndarray,
        weights: np.ndarray | None = None,
        seed: int = 0,
    ) -> WideText:
        y = np.asarray(labels, dtype=int)
        if y.min() == y.max():
            raise ValueError("reward_model.wide: training rows need both labels")
        w = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=float)
        w = w * (len(w) / w.sum())  # C keeps its meaning (per row) whatever the weights' scale
        clf = LogisticRegression(C=self.C, max_iter=500, random_state=seed)
        clf.fit(self.features(prompts, responses), y, sample_weight=w)
        self.coef, self.intercept = clf.coef_.ravel().astype(np.float32), float(clf.intercept_[0])
        return self

    def logits(self, prompts: Sequence, responses: Sequence) -> np.ndarray:
        if self.coef is None:
            raise RuntimeError("WideText: not fitted")
        return (
            np.asarray(self.features(prompts, responses) @ self.coef, dtype=np.float64)
            + self.intercept
        )

    # ---- persistence (with the scorer) --------------------------------------------------------
    def meta(self) -> dict:
        return dict(
            n_features=self.n_features,
            prompt_features=self.prompt_features,
            C=self.C,
            max_chars=self.max_chars,
            intercept=self.intercept,
        )

    def tensors(self) -> dict[str, torch.Tensor]:
        return {"coef": torch.as_tensor(self.coef)}

    @classmethod
    def restore(cls, meta: dict, tensors: dict[str, torch.Tensor]) -> WideText:
        out = cls(
            meta["n_features"], meta["prompt_features"], meta["C"], meta.get("max_chars", MAX_CHARS)
        )
        out.coef, out.intercept = (
            tensors["coef"].numpy().astype(np.float32),
            float(meta["intercept"]),
        )
        return out


def choose_mix(
    head: np.ndarray, wide: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None
) -> tuple[float, dict]:
    """The mixing weight of the wide logit with the best validation AUROC (ties: the smaller weight),
    and the AUROC at every weight of the grid."""
    scores = {
        float(a): float(roc_auc_score(labels, (1 - a) * head + a * wide, sample_weight=weights))
        for a in MIX_GRID
    }
    best = max(scores, key=lambda a: (round(scores[a], 6), -a))
    return best, scores


def mix(head: np.ndarray, wide: np.ndarray, weight: float) -> np.ndarray:
    return (1.0 - weight) * np.asarray(head, np.float64) + weight * np.asarray(wide, np.float64)
