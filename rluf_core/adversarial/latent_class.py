"""A two-class latent model over per-user counts of reaction cells, fitted by EM on the population.

Each user's reactions fall in cells (a reaction's class and a bin of something measured about it);
daily stats store per-user cell counts, which add up over days. Ordinary users draw their reactions
from one distribution over cells f_o, adversarial users of one behaviour from another, f_a. Both
distributions and the share pi of adversarial users are fitted by EM (each shrunk toward the
population's distribution by ``smoothing`` pseudo-reactions); the adversarial component starts from a
caller-given guess (say, the population tilted toward the behaviour) and is otherwise learnt. A user's
posterior is  pi prod f_a / (pi prod f_a + (1 - pi) prod f_o)  over their reactions.

Used for inverted raters (cells: reaction class x quality-z bin) and for coordinated accounts (cells:
inside a burst or not x reaction latency bin;
and, as a second block, the safety of the rewarded reply).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pandas as pd

SAFETY_COLUMNS = [
    "cs_safe",
    "cs_unsafe",
]  # positive reactions on replies the safety judge finds safe / unsafe


def with_safety_view(columns: list[str], enabled: bool) -> tuple[list[str], np.ndarray]:
    """A model's columns and each one's block: ``columns`` form block 0; with ``enabled`` the safety of the same
    positive reactions is appended as block 1 (a second, independent view)."""
    if not enabled:
        return list(columns), np.zeros(len(columns), dtype=np.int64)
    return list(columns) + SAFETY_COLUMNS, np.r_[
        np.zeros(len(columns)), np.ones(len(SAFETY_COLUMNS))
    ].astype(np.int64)


@dataclass
class LatentFit:
    """The fitted population model: the adversarial share and both classes' distributions over cells."""

    pi: float
    f_ordinary: np.ndarray
    f_adversarial: np.ndarray
    views: dict = field(
        default_factory=dict
    )  # further evidence fitted after EM (trolls: "rate", reaction_rate.py)


def _logit_post(pi: float, llr: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(np.log(pi / (1 - pi)) + llr, -50, 50)))


def cell_counts(f: pd.DataFrame, columns: list[str]) -> np.ndarray:
    """Users x cells counts from a window frame (missing columns: days stored before they existed)."""
    return f.reindex(columns=columns).fillna(0).to_numpy(dtype=float)


def _mask(exclude, n: int) -> np.ndarray:
    return np.zeros(n, bool) if exclude is None else np.asarray(exclude, dtype=bool)


def _normalise(x: np.ndarray, blocks: np.ndarray) -> np.ndarray:
    """Each block of cells sums to one (a block is one multinomial)."""
    return x / np.bincount(blocks, weights=x)[blocks]


def fit_two_class(
    counts: np.ndarray,
    init_adversarial: np.ndarray,
    *,
    exclude=None,
    prior_share: float = 0.02,
    max_share: float = 0.2,
    smoothing: float = 30.0,
    iters: int = 200,
    tol: float = 1e-7,
    blocks: np.ndarray | None = None,
) -> LatentFit | None:
    """EM over users x cells counts. ``init_adversarial``: starting f_a (any positive weights over cells);
    ``exclude`` (bool per user): users left out of the fit (explained by another detector); ``blocks``
    (int per cell, default all 0): the cells of one block form one multinomial and blocks are
    independent given the class (two views of the same reactions, say when and on what). None when
    fewer than 10 users have reactions to fit on."""
    fit = (counts.sum(axis=1) > 0) & ~_mask(exclude, len(counts))
    if fit.sum() < 10:
        return None
    x = counts[fit]
    blocks = (
        np.zeros(counts.shape[1], dtype=np.int64)
        if blocks is None
        else np.asarray(blocks, dtype=np.int64)
    )
    pop = _normalise(x.sum(axis=0) + 0.5, blocks)
    prior = smoothing * pop
    f_o = pop.copy()
    f_a = _normalise(np.asarray(init_adversarial, dtype=float) + 1e-9, blocks)
    pi = prior_share
    for _ in range(iters):
        r = _logit_post(pi, x @ (np.log(f_a) - np.log(f_o)))
        new_pi = float(np.clip(r.mean(), 1e-4, max_share))
        a, o = r @ x + prior, (1 - r) @ x + prior
        f_a, f_o = _normalise(a, blocks), _normalise(o, blocks)
        done = abs(new_pi - pi) < tol
        pi = new_pi
        if done:
            break
    return LatentFit(pi, f_o, f_a)


class EMSettings(Protocol):
    """A detector's EM settings (config brigade / troll): the starting and largest adversarial
    share, and the pseudo-reactions that shrink each class toward the population."""

    prior_share: float
    max_share: float
    smoothing: float


def fit_detector(
    counts: np.ndarray,
    init_adversarial: np.ndarray,
    settings: EMSettings,
    *,
    exclude=None,
    blocks: np.ndarray | None = None,
) -> LatentFit | None:
    """fit_two_class with a detector section's prior_share, max_share and smoothing."""
    return fit_two_class(
        counts,
        init_adversarial,
        exclude=exclude,
        prior_share=settings.prior_share,
        max_share=settings.max_share,
        smoothing=settings.smoothing,
        blocks=blocks,
    )


def score(
    fit: LatentFit, counts: np.ndarray, exclude=None, extra_llr: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior and log likelihood ratio (adversarial vs ordinary) of each user's counts under a fitted
    model (the users it was fitted on, or others, e.g. the last days of the window); 0 where excluded
    (posterior) or without reactions. ``extra_llr``: independent evidence per user, added to the cells'."""
    n = counts.sum(axis=1)
    llr = counts @ (np.log(fit.f_adversarial) - np.log(fit.f_ordinary))
    if extra_llr is not None:
        llr = llr + np.asarray(extra_llr, dtype=float)
    post = np.where((n > 0) & ~_mask(exclude, len(counts)), _logit_post(fit.pi, llr), 0.0)
    return post, np.where(n > 0, llr, 0.0)
