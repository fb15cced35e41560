"""Inverted raters (trolls): a latent-class model over each user's reactions, fitted on the population.

Every rated reaction is a cell: its class (love, other approving reaction, negative reaction) and the
bin of the population's quality z of the turn it rates. Daily stats store per-user cell counts (they
add up over days). Honest users' reactions follow one distribution over cells f_h; inverted raters'
another, f_t. Both, and the share pi of inverted raters, are fitted by EM on the reacting population,
with f_t started at the mirror image of the population's (z -> -z within each class): nothing about
the inverted raters is assumed but that they disagree with the crowd. A user's posterior of being an
inverted rater is  pi prod f_t / (pi prod f_t + (1 - pi) prod f_h)  over their reactions; a user is
flagged when it reaches ``troll.posterior_threshold`` with at least ``troll.min_reactions`` rated
reactions. If the fitted inverted component does not rate lower content than the honest one, or the
population shows no agreement with its own quality signal, nothing is flagged.

Accounts already explained by another detector (bots, brigades) are left out of the fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rluf_core.config.adversarial import AdversarialConfig

Z_EDGES = np.array([-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0])  # 10 bins of quality z
N_BINS = len(Z_EDGES) + 1
CLASSES = ("love", "approve", "negative")
HIST_COLUMNS = [f"qh_{c}_{b}" for c in CLASSES for b in range(N_BINS)]
_MIRROR = np.array([ci * N_BINS + (N_BINS - 1 - b) for ci in range(len(CLASSES)) for b in range(N_BINS)])
_CENTRES = np.tile(np.r_[Z_EDGES[0] - 0.25, (Z_EDGES[:-1] + Z_EDGES[1:]) / 2, Z_EDGES[-1] + 0.25], len(CLASSES))
_SIGN = np.repeat([1.0, 1.0, -1.0], N_BINS)  # a negative reaction on good content disagrees like a love on bad


def reaction_cells(klass: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Cell index (class x z bin) of each rated reaction; -1 where unrated (class not in CLASSES or z NaN)."""
    ci = pd.Series(klass).map({c: i for i, c in enumerate(CLASSES)}).to_numpy(dtype=float)
    ok = ~np.isnan(ci) & ~np.isnan(z)
    cell = np.full(len(z), -1, dtype=np.int64)
    cell[ok] = ci[ok].astype(np.int64) * N_BINS + np.searchsorted(Z_EDGES, z[ok], side="right")
    return cell


def _agreement(f: np.ndarray) -> float:
    """Mean signed z of a cell distribution (positive: approves what the population rates high)."""
    return float((f * _CENTRES * _SIGN).sum())


def troll_posterior(f: pd.DataFrame, cfg: AdversarialConfig, exclude: pd.Series | None = None,
                    iters: int = 100) -> pd.DataFrame:
    """Posterior of being an inverted rater per user, with the fitted parameters (pi, agreements)."""
    c = cfg.troll
    counts = f.reindex(columns=HIST_COLUMNS).fillna(0).to_numpy(dtype=float)
    n = counts.sum(axis=1)
    fit = (n > 0) & (~exclude.to_numpy(dtype=bool) if exclude is not None else True)
    post, llr = np.zeros(len(f)), np.zeros(len(f))
    params = {"pi": 0.0, "agreement_honest": 0.0, "agreement_troll": 0.0}
    if fit.sum() < 10:
        return pd.DataFrame({"troll_posterior": post, "troll_llr": llr}, index=f.index).assign(**params)
    pop = counts[fit].sum(axis=0) + 0.5
    pop /= pop.sum()
    params["agreement_honest"] = _agreement(pop)
    if params["agreement_honest"] <= 0:  # no consensus to invert
        return pd.DataFrame({"troll_posterior": post, "troll_llr": llr}, index=f.index).assign(**params)
    f_h, f_t, pi = pop.copy(), pop[_MIRROR] / pop[_MIRROR].sum(), c.prior_share
    prior = c.smoothing * pop  # Dirichlet pseudo-counts: each component shrinks toward the population
    x = counts[fit]
    for _ in range(iters):
        l = x @ (np.log(f_t) - np.log(f_h))
        r = 1.0 / (1.0 + np.exp(-np.clip(np.log(pi / (1 - pi)) + l, -50, 50)))
        new_pi = float(np.clip(r.mean(), 1e-4, c.max_share))
        f_t = (r @ x + prior) / (r @ x + prior).sum()
        f_h = ((1 - r) @ x + prior) / ((1 - r) @ x + prior).sum()
        done = abs(new_pi - pi) < 1e-7
        pi = new_pi
        if done:
            break
    params.update(pi=pi, agreement_honest=_agreement(f_h), agreement_troll=_agreement(f_t))
    if params["agreement_troll"] >= params["agreement_honest"]:  # the second component is not inverted
        return pd.DataFrame({"troll_posterior": post, "troll_llr": llr}, index=f.index).assign(**params)
    llr = counts @ (np.log(f_t) - np.log(f_h))
    post = np.where(n > 0, 1.0 / (1.0 + np.exp(-np.clip(np.log(pi / (1 - pi)) + llr, -50, 50))), 0.0)
    if exclude is not None:
        post = np.where(exclude.to_numpy(dtype=bool), 0.0, post)
    return pd.DataFrame({"troll_posterior": post, "troll_llr": np.where(n > 0, llr, 0.0)}, index=f.index).assign(**params)


def detect_trolls(f: pd.DataFrame, cfg: AdversarialConfig, exclude: pd.Series | None = None) -> pd.DataFrame:
    c = cfg.troll
    p = troll_posterior(f, cfg, exclude)
    enough = f["n_rated"].fillna(0) >= c.min_reactions
    flag = enough & (p["troll_posterior"] >= c.posterior_threshold)
    score = p["troll_llr"].where(enough, 0.0).clip(lower=0.0)
    reason = pd.Series("", index=f.index, dtype=object)
    x = f[flag]
    if len(x):
        reason[flag] = ("troll: " + x["n_rated"].astype(int).astype(str) + " reactions against the population's quality "
                        "signal (mean signed quality z " + x["agreement_mean"].round(2).astype(str) + " vs population "
                        + f"{p['agreement_honest'].iloc[0]:.2f}" + "; posterior of an inverted rater "
                        + p.loc[flag, "troll_posterior"].round(3).astype(str) + ")")
    return pd.DataFrame({"troll_score": score, "is_troll": flag, "troll_reason": reason,
                         "troll_posterior": p["troll_posterior"]}, index=f.index)
