"""How often a user reacts to the replies they are served: a view of the inverted-rater model.

The latent model over reaction cells conditions on how many reactions a user gave; how many they gave out of
how many replies they were served (n of T) is separate evidence: P(cells, n | T) = P(cells | n) P(n | T).
Each class's n of T is a beta-binomial (users differ in how often they react; the beta takes that spread),
zero-truncated because the model's population is the users with rated reactions. Its parameters are fitted
by weighted maximum likelihood with the cell model's posteriors as soft labels (each class shrunk toward the
population by pseudo-users, as the cells are), once, after that model's EM:
the cell model alone says who is an inverted rater, this view only says how often such users react. Nothing is
assumed about which class reacts more; if both react alike the view's log likelihood ratio is about zero.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import betaln, gammaln


@dataclass
class RateView:
    """Beta-binomial (a, b) of the reaction count out of served replies, per class."""

    ordinary: tuple[float, float]
    adversarial: tuple[float, float]

    @property
    def mean_rates(self) -> tuple[float, float]:
        """Mean reaction rate (ordinary, adversarial)."""
        (a, b), (c, d) = self.ordinary, self.adversarial
        return a / (a + b), c / (c + d)


def _counts(reactions: np.ndarray, served: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """k reactions out of n served, n at least k (reactions to replies served before the window)."""
    k = np.asarray(reactions, dtype=float)
    return k, np.maximum(np.asarray(served, dtype=float), k)


def _log_pmf(k: np.ndarray, n: np.ndarray, a: float, b: float) -> np.ndarray:
    """Zero-truncated beta-binomial log pmf of k >= 1 reactions out of n served: log P(k) - log P(k > 0).
    The closed form of scipy.stats.betabinom's logpmf(k) - logsf(0) (same values to 1e-13), written out because
    the optimiser calls it thousands of times and scipy's generic logsf is about 60x slower on 20k users."""
    lp = (
        gammaln(n + 1)
        - gammaln(k + 1)
        - gammaln(n - k + 1)
        + betaln(k + a, n - k + b)
        - betaln(a, b)
    )
    p0 = np.exp(betaln(a, n + b) - betaln(a, b))  # P(k = 0)
    return lp - np.log(np.clip(1.0 - p0, 1e-300, None))


def _fit(k: np.ndarray, n: np.ndarray, w: np.ndarray) -> tuple[float, float]:
    def nll(p: np.ndarray) -> float:
        a, b = np.exp(p)
        return -float((w * _log_pmf(k, n, a, b)).sum())

    res = minimize(
        nll,
        np.log([1.0, 10.0]),
        method="Nelder-Mead",
        options={"maxiter": 2000, "xatol": 1e-6, "fatol": 1e-8},
    )
    a, b = np.exp(res.x)
    return float(a), float(b)


def fit_rate_view(
    reactions: np.ndarray,
    served: np.ndarray,
    posterior: np.ndarray,
    fit_on: np.ndarray | None = None,
    smoothing: float = 30.0,
) -> RateView | None:
    """Each class's beta-binomial from the users with >= 1 reaction (of ``fit_on``, default all), weighted by
    ``posterior`` (adversarial) and 1 - posterior, each class shrunk toward the population by ``smoothing``
    pseudo-users (a class of a few users' weight then reacts like the population: no evidence). None with fewer
    than 10 users."""
    k, n = _counts(reactions, served)
    m = (k >= 1) if fit_on is None else np.asarray(fit_on, dtype=bool) & (k >= 1)
    if m.sum() < 10:
        return None
    r = np.clip(np.asarray(posterior, dtype=float)[m], 0.0, 1.0)
    prior = smoothing / m.sum()  # smoothing users spread over the population
    return RateView(
        ordinary=_fit(k[m], n[m], 1 - r + prior), adversarial=_fit(k[m], n[m], r + prior)
    )


def rate_llr(view: RateView, reactions: np.ndarray, served: np.ndarray) -> np.ndarray:
    """Log likelihood ratio (adversarial vs ordinary) of each user's reaction count; 0 without reactions."""
    k, n = _counts(reactions, served)
    out = np.zeros(len(k))
    m = k >= 1
    out[m] = _log_pmf(k[m], n[m], *view.adversarial) - _log_pmf(k[m], n[m], *view.ordinary)
    return out
