"""A two-class latent model over per-user counts of reaction cells, fitted by EM on the population.

Each user's reactions fall in cells (a reaction's class and a bin of something measured about it);
daily stats store per-user cell counts, which add up over days. Ordinary users draw their reactions
from one distribution over cells f_o, adversarial users of one behaviour from another, f_a. Both
distributions and the share pi of adversarial users are fitted by EM (each shrunk toward the
population's distribution by ``smoothing`` pseudo-reactions); the adversarial component starts from a
caller-given guess (say, the population tilted toward the behaviour) and is otherwise learnt. A user's
posterior is  pi prod f_a / (pi prod f_a + (1 - pi) prod f_o)  over their reactions.

Used for inverted raters (cells: reaction class x quality-z bin) and for coordinated accounts (cells:
inside a burst or not x reaction latency bin).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class LatentFit:
    posterior: np.ndarray           # per user (0 where excluded or without reactions)
    llr: np.ndarray                 # log likelihood ratio adversarial vs ordinary, per user
    pi: float = 0.0                 # fitted share of adversarial users (among those fitted)
    f_ordinary: np.ndarray = field(default_factory=lambda: np.zeros(0))
    f_adversarial: np.ndarray = field(default_factory=lambda: np.zeros(0))
    fitted: bool = False            # False: too few users, nothing flagged


def _logit_post(pi: float, llr: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(np.log(pi / (1 - pi)) + llr, -50, 50)))


def fit_two_class(counts: np.ndarray, init_adversarial: np.ndarray, *, exclude: np.ndarray | None = None,
                  prior_share: float = 0.02, max_share: float = 0.2, smoothing: float = 30.0,
                  iters: int = 200, tol: float = 1e-7) -> LatentFit:
    """EM over users x cells counts. ``init_adversarial``: starting f_a (any positive weights over cells);
    ``exclude``: users left out of the fit (explained by another detector), posterior 0."""
    counts = np.asarray(counts, dtype=float)
    n = counts.sum(axis=1)
    ex = np.zeros(len(counts), bool) if exclude is None else np.asarray(exclude, dtype=bool)
    fit = (n > 0) & ~ex
    zeros = np.zeros(len(counts))
    if fit.sum() < 10:
        return LatentFit(zeros, zeros)
    x = counts[fit]
    pop = x.sum(axis=0) + 0.5
    pop /= pop.sum()
    prior = smoothing * pop
    f_o = pop.copy()
    f_a = np.asarray(init_adversarial, dtype=float) + 1e-9
    f_a /= f_a.sum()
    pi = prior_share
    for _ in range(iters):
        r = _logit_post(pi, x @ (np.log(f_a) - np.log(f_o)))
        new_pi = float(np.clip(r.mean(), 1e-4, max_share))
        a, o = r @ x + prior, (1 - r) @ x + prior
        f_a, f_o = a / a.sum(), o / o.sum()
        done = abs(new_pi - pi) < tol
        pi = new_pi
        if done:
            break
    return score(LatentFit(zeros, zeros, pi, f_o, f_a, fitted=True), counts, ex)


def score(fit: LatentFit, counts: np.ndarray, exclude: np.ndarray | None = None) -> LatentFit:
    """Posteriors of (other) users' counts under an already fitted model (e.g. the last days of a window
    scored with the whole window's fit)."""
    counts = np.asarray(counts, dtype=float)
    n = counts.sum(axis=1)
    ex = np.zeros(len(counts), bool) if exclude is None else np.asarray(exclude, dtype=bool)
    llr = counts @ (np.log(fit.f_adversarial) - np.log(fit.f_ordinary))
    post = np.where((n > 0) & ~ex, _logit_post(fit.pi, llr), 0.0)
    return LatentFit(post, np.where(n > 0, llr, 0.0), fit.pi, fit.f_ordinary, fit.f_adversarial, fitted=True)
