"""Inverted raters (trolls) by empirical Bayes: borrow strength from the whole reacting population.

Each rated reaction carries the population's quality z of the turn, signed (+z for an approving
reaction, -z for a negative one). A user's signed reactions average to m_u over n_u reactions. Honest
users agree with the population on average, with real differences of taste between people:
m_u ~ N(mu, tau^2 + sigma^2 / n_u). An inverted rater disagrees: m_u ~ N(mu_t, tau^2 + sigma^2 / n_u) with mu_t <= 0
(started at the mirror image -mu). mu, sigma^2 (reaction noise) and tau^2 (between-user spread) are
estimated from the population by moments, the share of inverted raters pi and mu_t by EM; a user is flagged when the posterior
probability of the mirror component reaches ``troll.posterior_threshold`` (a target precision,
not a tuned cut) with at least ``troll.min_reactions`` rated reactions. When the population shows no
agreement with its own quality signal (mu <= 0) nothing is flagged: there is no consensus to invert.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from rluf_core.config.adversarial import AdversarialConfig


def _moments(n: np.ndarray, s: np.ndarray, ss: np.ndarray) -> tuple[float, float, float]:
    """mu, sigma^2, tau^2 of the signed quality z (pooled over reactions, robust to a minority of users)."""
    ok = n > 0
    mu = float(s[ok].sum() / n[ok].sum())
    total = float(ss[ok].sum() / n[ok].sum() - mu**2) if np.any(ss[ok] > 0) else 1.0
    total = max(total, 1e-6)
    m2 = n >= 2
    if m2.sum() >= 10:
        m = s[m2] / n[m2]
        dev = (m - np.median(m)) ** 2
        tau2 = float((np.median(dev) / 0.4549 - np.median(total / n[m2])) / max(np.mean(1 - 1 / n[m2]), 1e-6))
    else:
        tau2 = 0.0
    tau2 = float(np.clip(tau2, 0.0, 0.9 * total))
    return mu, total - tau2, tau2


def troll_posterior(f: pd.DataFrame, cfg: AdversarialConfig, iters: int = 50) -> pd.DataFrame:
    """Posterior probability of being an inverted rater, with the fitted population parameters."""
    n = f["n_rated"].fillna(0).to_numpy(dtype=float)
    s = (f["q_pos_sum"] - f["q_neg_sum"]).fillna(0).to_numpy(dtype=float)
    ss = f["q_sq"].fillna(0).to_numpy(dtype=float) if "q_sq" in f else np.zeros(len(f))
    post = np.zeros(len(f))
    llr = np.zeros(len(f))
    params = {"mu": 0.0, "sigma2": 0.0, "tau2": 0.0, "pi": 0.0, "mu_troll": 0.0}
    if (n > 0).sum() < 10:
        return pd.DataFrame({"troll_posterior": post, "troll_llr": llr}, index=f.index).assign(**params)
    mu, sigma2, tau2 = _moments(n, s, ss)
    params.update(mu=mu, sigma2=sigma2, tau2=tau2)
    rated = n > 0
    if mu <= 0:
        return pd.DataFrame({"troll_posterior": post, "troll_llr": llr}, index=f.index).assign(**params)
    m = np.where(rated, s / np.maximum(n, 1), 0.0)
    sd = np.sqrt(tau2 + sigma2 / np.maximum(n, 1))
    w = 1 / sd[rated] ** 2
    pi, mu_t = cfg.troll.prior_share, -mu
    for _ in range(iters):  # EM for the share of inverted raters and their mean (kept <= 0: they disagree)
        llr = np.where(rated, norm.logpdf(m, mu_t, sd) - norm.logpdf(m, mu, sd), 0.0)
        r = 1 / (1 + np.exp(-np.clip(np.log(pi / (1 - pi)) + llr[rated], -50, 50)))
        new = float(np.clip(r.mean(), 1e-4, cfg.troll.max_share))
        new_mu_t = float(min(np.sum(r * w * m[rated]) / max(np.sum(r * w), 1e-9), 0.0))
        done = abs(new - pi) < 1e-6 and abs(new_mu_t - mu_t) < 1e-6
        pi, mu_t = new, new_mu_t
        if done:
            break
    llr = np.where(rated, norm.logpdf(m, mu_t, sd) - norm.logpdf(m, mu, sd), 0.0)
    params.update(pi=pi, mu_troll=mu_t)
    post[rated] = 1 / (1 + np.exp(-np.clip(np.log(pi / (1 - pi)) + llr[rated], -50, 50)))
    return pd.DataFrame({"troll_posterior": post, "troll_llr": llr}, index=f.index).assign(**params)


def detect_trolls(f: pd.DataFrame, cfg: AdversarialConfig) -> pd.DataFrame:
    c = cfg.troll
    p = troll_posterior(f, cfg)
    enough = f["n_rated"].fillna(0) >= c.min_reactions
    flag = enough & (p["troll_posterior"] >= c.posterior_threshold)
    score = p["troll_llr"].where(enough, 0.0).clip(lower=0.0)
    reason = pd.Series("", index=f.index, dtype=object)
    x = f[flag]
    if len(x):
        reason[flag] = ("troll: " + x["n_rated"].astype(int).astype(str) + " reactions against the population's quality "
                        "signal (mean signed quality z " + x["agreement_mean"].round(2).astype(str) + " vs population "
                        + f"{p['mu'].iloc[0]:.2f}" + "; posterior of an inverted rater "
                        + p.loc[flag, "troll_posterior"].round(3).astype(str) + ")")
    return pd.DataFrame({"troll_score": score, "is_troll": flag, "troll_reason": reason,
                         "troll_posterior": p["troll_posterior"]}, index=f.index)
