"""Reward-model metrics (docs/design.md): AUROC, PR-AUC, ECE (equal-mass bins), Brier, log loss, Pearson r
of score vs response length; constant and length-only baselines; bootstrap 95% intervals; slices."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, brier_score_loss, log_loss, roc_auc_score


def _w(y: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    return np.ones(len(y)) if w is None else np.asarray(w, np.float64)


def equal_mass_bins(p: np.ndarray, bins: int) -> list[np.ndarray]:
    """Row indices of `bins` equal-mass bins of the score, in score order; rows with the same score share a
    bin (a cut inside a run of ties moves to the run's end), so the bins depend on the scores alone, not on
    the order the rows came in. Without ties: np.array_split of the sorted order."""
    p = np.asarray(p, np.float64)
    n = len(p)
    if n == 0:
        return []
    order = np.argsort(p, kind="stable")
    k = min(bins, n)
    cuts = np.cumsum([n // k + 1] * (n % k) + [n // k] * (k - n % k))[:-1]
    ps = p[order]
    starts = np.flatnonzero(np.r_[True, ps[1:] != ps[:-1]])  # where each run of equal scores begins
    at = np.searchsorted(starts, cuts)
    cuts = np.unique(starts[at[at < len(starts)]])
    return np.split(order, cuts[cuts > 0])


def ece(y: np.ndarray, p: np.ndarray, w: np.ndarray | None = None, bins: int = 15) -> float:
    """Expected calibration error over `bins` equal-mass bins of the score (weighted means per bin)."""
    y, p, w = np.asarray(y, np.float64), np.asarray(p, np.float64), _w(y, w)
    total, err = w.sum(), 0.0
    for b in equal_mass_bins(p, bins):
        wb = w[b].sum()
        if wb > 0:
            err += wb / total * abs((w[b] * p[b]).sum() / wb - (w[b] * y[b]).sum() / wb)
    return float(err)


def ece_noise_floor(
    p: np.ndarray, w: np.ndarray | None = None, bins: int = 15, draws: int = 200, seed: int = 0
) -> float:
    """Mean ECE of labels drawn from ``p`` itself: what a perfectly calibrated score shows on this many rows, from
    sampling noise alone (about 0.06 on 500 rows in 15 bins). A measured ECE near it is as calibrated as these rows
    can tell."""
    p, w = np.asarray(p, np.float64), _w(p, w)
    if len(p) == 0:
        return float("nan")
    rng = np.random.default_rng(seed)
    groups = equal_mass_bins(p, bins)
    total, errs = w.sum(), []
    chunk = max(1, int(1e7 // len(p)))  # draws at a time: about 10 MB of labels
    for start in range(0, draws, chunk):
        y = rng.random((min(chunk, draws - start), len(p))) < p
        err = np.zeros(len(y))
        for b in groups:
            wb = w[b].sum()
            if wb > 0:
                err += (
                    wb
                    / total
                    * np.abs((w[b] * p[b]).sum() / wb - (y[:, b] * w[b]).sum(axis=1) / wb)
                )
        errs.append(err)
    return float(np.concatenate(errs).mean())


def reliability(
    y: np.ndarray, p: np.ndarray, w: np.ndarray | None = None, bins: int = 15
) -> pd.DataFrame:
    """Per equal-mass bin: mean score, observed rate, weight. What the reliability diagram plots."""
    y, p, w = np.asarray(y, np.float64), np.asarray(p, np.float64), _w(y, w)
    rows = []
    for b in equal_mass_bins(p, bins):
        wb = w[b].sum()
        if wb > 0:
            rows.append(
                dict(
                    mean_score=(w[b] * p[b]).sum() / wb,
                    observed=(w[b] * y[b]).sum() / wb,
                    weight=wb,
                    n=len(b),
                )
            )
    return pd.DataFrame(rows)


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    if len(a) < 2 or a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def binary_metrics(
    y: np.ndarray,
    p: np.ndarray,
    w: np.ndarray | None = None,
    lengths: np.ndarray | None = None,
    bins: int = 15,
) -> dict:
    y, p = np.asarray(y).astype(int), np.asarray(p, np.float64)
    if len(y) == 0:
        raise ValueError("binary_metrics: no rows to score")
    if not np.isfinite(p).all():
        raise ValueError(
            f"binary_metrics: {int((~np.isfinite(p)).sum())} of {len(p)} scores are not finite"
        )
    ww = _w(y, w)
    both = y.min() != y.max()
    out = dict(
        n=int(len(y)),
        positives=int(y.sum()),
        rate=float((ww * y).sum() / ww.sum()),
        mean_score=float((ww * p).sum() / ww.sum()),
        auroc=float(roc_auc_score(y, p, sample_weight=ww)) if both else float("nan"),
        pr_auc=float(average_precision_score(y, p, sample_weight=ww)) if both else float("nan"),
        ece=ece(y, p, ww, bins),
        brier=float(brier_score_loss(y, p, sample_weight=ww)),
        log_loss=float(
            log_loss(y, np.clip(p, 1e-7, 1 - 1e-7), sample_weight=ww, labels=[0, 1])
        ),  # clipped here only:
        # clipping before the ranking metrics would tie scores that differ below 1e-7
    )
    if lengths is not None:
        out["length_r"] = pearson(p, lengths)
    return out


def fit_length_baseline(
    lengths: np.ndarray, y: np.ndarray, w: np.ndarray | None = None
) -> Callable:
    """Logistic regression on log(1 + chars): the length-only baseline, fitted at the natural rate."""
    x = np.log1p(np.asarray(lengths, np.float64)).reshape(-1, 1)
    lr = LogisticRegression(C=1e4, max_iter=1000).fit(
        x, np.asarray(y).astype(int), sample_weight=_w(y, w)
    )
    return lambda L: lr.predict_proba(np.log1p(np.asarray(L, np.float64)).reshape(-1, 1))[:, 1]


def bootstrap_auroc(
    y: np.ndarray,
    scores: dict[str, np.ndarray],
    w: np.ndarray | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    groups: np.ndarray | None = None,
) -> dict[str, dict]:
    """95% percentile intervals of AUROC per score and of each score's difference with the first one.

    Resamples rows, or whole groups (e.g. conversations) when `groups` is given.
    """
    y = np.asarray(y).astype(int)
    ww = _w(y, w)
    rng = np.random.default_rng(seed)
    names = list(scores)
    if groups is not None:
        codes, uniq = pd.factorize(pd.Series(groups))
        members = [np.flatnonzero(codes == g) for g in range(len(uniq))]
    draws: dict[str, list] = {k: [] for k in names}
    for _ in range(n_boot):
        if groups is None:
            idx = rng.integers(0, len(y), len(y))
        else:
            idx = np.concatenate([members[g] for g in rng.integers(0, len(members), len(members))])
        if y[idx].min() == y[idx].max():
            continue
        for k in names:
            draws[k].append(roc_auc_score(y[idx], scores[k][idx], sample_weight=ww[idx]))
    out = {}
    base = np.array(draws[names[0]])
    for k in names:
        d = np.array(draws[k])
        if len(d) == 0:
            out[k] = dict(lo=float("nan"), hi=float("nan"))
            continue
        out[k] = dict(lo=float(np.percentile(d, 2.5)), hi=float(np.percentile(d, 97.5)))
        if k != names[0]:
            diff = base - d
            out[k].update(
                diff_vs_first_lo=float(np.percentile(diff, 2.5)),
                diff_vs_first_hi=float(np.percentile(diff, 97.5)),
            )
    return out


def slice_table(frame: pd.DataFrame, by: str, min_rows: int = 200, bins: int = 15) -> pd.DataFrame:
    """Metrics of p_love (and the length baseline when present) per value of `by`."""
    rows = []
    for value, g in frame.groupby(by, dropna=False, observed=True):
        if len(g) < min_rows:
            continue
        m = binary_metrics(
            g["label"].to_numpy(), g["p_love"].to_numpy(), g["weight"].to_numpy(), bins=bins
        )
        row = {
            by: value,
            "n": m["n"],
            "rate": m["rate"],
            "mean_score": m["mean_score"],
            "auroc": m["auroc"],
            "ece": m["ece"],
            "ece_noise_floor": ece_noise_floor(
                g["p_love"].to_numpy(), g["weight"].to_numpy(), bins
            ),
        }
        if "p_length" in g.columns and g["label"].nunique() == 2:
            row["auroc_length"] = float(
                roc_auc_score(g["label"], g["p_length"], sample_weight=g["weight"])
            )
        if "p_ceiling" in g.columns and g["label"].nunique() == 2:
            row["auroc_ceiling"] = float(
                roc_auc_score(g["label"], g["p_ceiling"], sample_weight=g["weight"])
            )
        rows.append(row)
    return pd.DataFrame(rows)
