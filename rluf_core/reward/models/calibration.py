"""Calibration on the validation split: undo the prior shift of rebalancing, then temperature scaling
(default) or isotonic regression, so scores are P(love) at the natural rate.

Temperature scaling here fits a temperature T and a small bias b on the prior-corrected logit z:
p = sigmoid(z / T + b). The analytical correction is exact only for a Bayes-optimal model; a head
stopped early or regularised keeps some bias, which one temperature cannot remove (b starts at 0 and
is reported, so a large b says the prior correction did not hold).

With fewer than `min_per_class` validation rows of either label nothing is fitted: a temperature fitted on a
handful of separable rows runs to its bound and turns every score into 0 or 1. The scores then carry the
prior correction alone, and `skipped` says why.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.isotonic import IsotonicRegression

log = logging.getLogger("rluf.reward.calibration")


def _nll(p: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
    p = np.clip(p, 1e-7, 1 - 1e-7)
    return float(-(w * (y * np.log(p) + (1 - y) * np.log(1 - p))).sum() / w.sum())


@dataclass
class Calibrator:
    method: str = "temperature"
    prior_offset: float = 0.0
    temperature: float = 1.0
    bias: float = 0.0
    iso_x: list[float] = field(default_factory=list)
    iso_y: list[float] = field(default_factory=list)
    min_per_class: int = 10
    skipped: str | None = None

    def fit(
        self, logits: np.ndarray, labels: np.ndarray, weights: np.ndarray | None = None
    ) -> Calibrator:
        z = np.asarray(logits, np.float64) + self.prior_offset
        y = np.asarray(labels, np.float64)
        w = np.ones_like(z) if weights is None else np.asarray(weights, np.float64)
        if len(z) == 0 or y.min() == y.max():
            raise ValueError("calibration needs validation rows with both labels")
        fewest = int(min(y.sum(), len(y) - y.sum()))
        if fewest < self.min_per_class:
            self.skipped = (
                f"{fewest} validation row(s) of the rarer label, fewer than {self.min_per_class}: "
                "prior correction only"
            )
            log.warning("calibration not fitted: %s", self.skipped)
            self.temperature, self.bias, self.iso_x, self.iso_y = 1.0, 0.0, [], []
            return self
        self.skipped = None
        if self.method == "temperature":
            res = minimize(
                lambda v: _nll(expit(z / np.exp(v[0]) + v[1]), y, w),
                x0=np.zeros(2),
                method="L-BFGS-B",
                bounds=[(-4, 4), (-5, 5)],
            )
            self.temperature, self.bias = float(np.exp(res.x[0])), float(res.x[1])
        elif self.method == "isotonic":
            iso = IsotonicRegression(y_min=1e-6, y_max=1 - 1e-6, out_of_bounds="clip").fit(
                z, y, sample_weight=w
            )
            self.iso_x, self.iso_y = iso.X_thresholds_.tolist(), iso.y_thresholds_.tolist()
        else:
            raise ValueError(f"reward_model.calibration: unknown method {self.method!r}")
        return self

    def __call__(self, logits: np.ndarray) -> np.ndarray:
        z = np.asarray(logits, np.float64) + self.prior_offset
        if self.method == "isotonic" and self.iso_x:
            return np.interp(z, self.iso_x, self.iso_y)
        return expit(z / self.temperature + self.bias)

    def to_dict(self) -> dict:
        return dict(
            method=self.method,
            prior_offset=self.prior_offset,
            temperature=self.temperature,
            bias=self.bias,
            iso_x=self.iso_x,
            iso_y=self.iso_y,
            min_per_class=self.min_per_class,
            skipped=self.skipped,
        )

    @classmethod
    def from_dict(cls, d: dict) -> Calibrator:
        return cls(**d)
