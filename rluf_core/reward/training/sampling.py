"""Class imbalance as the paper handles it: positives brought to a target share of the training set.

`rebalance` returns the rows to train on, their weights, and the prior shift it introduced (the
natural positive rate and the training one), which calibration undoes: logit + log-odds(natural)
- log-odds(training).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class PriorShift:
    natural_rate: float
    train_rate: float

    @property
    def logit_offset(self) -> float:
        """What to add to a logit trained at train_rate to get one at natural_rate."""
        return float(_logodds(self.natural_rate) - _logodds(self.train_rate))

    def to_dict(self) -> dict:
        return asdict(self)


def _logodds(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return float(np.log(p / (1 - p)))


def weighted_rate(labels: np.ndarray, weights: np.ndarray) -> float:
    w = weights.sum()
    return float((labels * weights).sum() / w) if w > 0 else float(labels.mean())


def rebalance(
    labels: np.ndarray, weights: np.ndarray, positive_share: float, method: str, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, PriorShift]:
    """Indices (into labels) and weights of the training rows, and the prior shift.

    downsample_negatives: keep all positives and a random subset of negatives (cheapest: fewer texts
    to embed); upsample_positives: repeat positives; class_weight: keep every row, scale positive weights.
    Nothing changes when positives already make up positive_share or more.
    """
    labels = np.asarray(labels).astype(np.int64)
    weights = np.asarray(weights, dtype=np.float64)
    if len(labels) == 0:
        raise ValueError("no training rows")
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("training weights must be finite numbers >= 0")
    for value, name in ((1, "positive"), (0, "negative")):
        if not (labels == value).any():
            raise ValueError(f"training labels are all {1 - value}: cannot train P[Love]")
        if weights[labels == value].sum() <= 0:
            raise ValueError(
                f"the {name} training rows carry no weight (all weights 0): cannot train P[Love]"
            )
    natural = weighted_rate(labels, weights)
    idx = np.arange(len(labels))
    if natural >= positive_share:
        return idx, weights, PriorShift(natural, natural)
    rng = np.random.default_rng(seed)
    pos, neg = idx[labels == 1], idx[labels == 0]
    wp, wn = weights[pos].sum(), weights[neg].sum()
    # target: wp' / (wp' + wn') = share
    if method == "downsample_negatives":
        keep_frac = wp * (1 - positive_share) / (positive_share * wn)
        kept = rng.permutation(neg)[: max(1, int(round(keep_frac * len(neg))))]
        out = np.sort(np.concatenate([pos, kept]))
        w = weights[out]
    elif method == "upsample_positives":
        factor = positive_share * wn / ((1 - positive_share) * wp)
        reps = int(np.floor(factor))
        extra = rng.choice(pos, size=int(round((factor - reps) * len(pos))), replace=False)
        out = np.sort(np.concatenate([neg, np.repeat(pos, reps), extra]))
        w = weights[out]
    elif method == "class_weight":
        factor = positive_share * wn / ((1 - positive_share) * wp)
        out = idx
        w = weights * np.where(labels == 1, factor, 1.0)
    else:
        raise ValueError(f"reward_model.imbalance: unknown method {method!r}")
    return out, w, PriorShift(natural, weighted_rate(labels[out], w))
