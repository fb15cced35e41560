"""Inverted raters (trolls): a latent-class model over each user's reactions, fitted on the population.

Every rated reaction is a cell: its class (love, other approving reaction, negative reaction) and the
bin of the population's quality z of the turn it rates. With ``troll.own_turns_only`` (default) only a
user's reactions to replies they received are rated: the reactions that become labels (group-chat
members' reactions to others' turns answer a conversation they are not having). Daily stats store per-user cell counts (they
add up over days). Honest users' reactions follow one distribution over cells f_h; inverted raters'
another, f_t. Both, and the share pi of inverted raters, are fitted by EM on the reacting population,
with f_t started at the mirror image of the population's (z -> -z within each class): nothing about
the inverted raters is assumed but that they disagree with the crowd. A user's posterior of being an
inverted rater is  pi prod f_t / (pi prod f_t + (1 - pi) prod f_h)  over their reactions; a user is
flagged when it reaches ``troll.posterior_threshold`` with at least ``troll.min_reactions`` rated
reactions. With ``troll.unsafe_view``, a second, independent view of the same loves says whether they
went to replies the rule-based safety judge finds unsafe (a quality signal that needs no labels); how
much more the inverted class does so is learnt from the population, not assumed (it starts equal). With
``troll.rate_view``, how many reactions a user gave out of the replies they were served is a third piece of
evidence (reaction_rate.py: each class's beta-binomial, fitted once after EM with its posteriors). If
the fitted inverted component does not rate lower content than the honest one, or the
population shows no agreement with its own quality signal, nothing is flagged; nor when the component
still rates with the quality signal (mean signed quality z at or above ``troll.max_agreement``, 0) and EM
presses it against ``troll.max_share``: without inverted raters EM splits honest users by how closely
they agree, a taste of a large part of the population, not a minority that rates against it.

Accounts already explained by another detector (bots, brigades) are left out of the fit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rluf_core.adversarial.latent_class import (
    LatentFit,
    cell_counts,
    fit_detector,
    score,
    with_safety_view,
)
from rluf_core.adversarial.reaction_rate import fit_rate_view, rate_llr
from rluf_core.config.adversarial import AdversarialConfig

Z_EDGES = np.array([-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0])  # 10 bins of quality z
N_BINS = len(Z_EDGES) + 1
CLASSES = ("love", "approve", "negative")
_CENTRE = np.r_[Z_EDGES[0] - 0.25, (Z_EDGES[:-1] + Z_EDGES[1:]) / 2, Z_EDGES[-1] + 0.25]


def hist_columns(classes) -> list[str]:
    """The cell columns (class x quality-z bin) of the given reaction classes."""
    return [f"qh_{c}_{b}" for c in classes for b in range(N_BINS)]


HIST_COLUMNS = hist_columns(CLASSES)


def reaction_class(reaction: str) -> str:
    """The class of one approving or negative reaction when each is its own (``troll.split_reactions``)."""
    return f"r-{reaction}"


def split_classes(cfg: AdversarialConfig) -> tuple[str, ...]:
    """With ``troll.split_reactions``, each approving and negative reaction is its own class (the model then learns
    which of them follow quality: one may be given whatever the reply, another only to good ones); else none."""
    if not cfg.troll.split_reactions:
        return ()
    return tuple(
        reaction_class(r) for r in (*cfg.agreement_positive_reactions, *cfg.negative_reactions)
    )


def classes_of(cfg: AdversarialConfig) -> tuple[str, ...]:
    """The reaction classes the model reads: love, approving, negative, or love and each reaction apart."""
    split = split_classes(cfg)
    return ("love", *split) if split else CLASSES


def _signs(cfg: AdversarialConfig) -> np.ndarray:
    """Per class of classes_of: +1 approves, -1 disapproves (a negative reaction on good content disagrees like a
    love on bad)."""
    negative = {"negative", *(reaction_class(r) for r in cfg.negative_reactions)}
    return np.array([-1.0 if c in negative else 1.0 for c in classes_of(cfg)])


def reaction_cells(klass: np.ndarray, z: np.ndarray, classes=CLASSES) -> np.ndarray:
    """Cell index (class x z bin) of each rated reaction; -1 where unrated (class not in ``classes`` or z NaN)."""
    ci = pd.Series(klass).map({c: i for i, c in enumerate(classes)}).to_numpy(dtype=float)
    ok = ~np.isnan(ci) & ~np.isnan(z)
    cell = np.full(len(z), -1, dtype=np.int64)
    cell[ok] = ci[ok].astype(np.int64) * N_BINS + np.searchsorted(Z_EDGES, z[ok], side="right")
    return cell


def _agreement(f: np.ndarray, signs: np.ndarray) -> float:
    """Mean signed z of a cell distribution (positive: approves what the population rates high)."""
    weights = np.repeat(signs, N_BINS) * np.tile(_CENTRE, len(signs))
    return float((f[: len(weights)] * weights).sum())


def _mirror(n_classes: int) -> np.ndarray:
    """Each cell's mirror image (z -> -z within its class)."""
    return np.array(
        [ci * N_BINS + (N_BINS - 1 - b) for ci in range(n_classes) for b in range(N_BINS)]
    )


def _cells(cfg: AdversarialConfig) -> tuple[list[str], np.ndarray]:
    """The model's columns and their block (0: class x quality z; 1: loves on replies judged safe / unsafe)."""
    return with_safety_view(hist_columns(classes_of(cfg)), cfg.troll.unsafe_view)


def fit_trolls(
    f: pd.DataFrame, cfg: AdversarialConfig, exclude: pd.Series | None = None
) -> LatentFit | None:
    """The inverted-rater model fitted on the population; None when there is nothing to invert."""
    c = cfg.troll
    columns, blocks = _cells(cfg)
    signs = _signs(cfg)
    n_hist = len(signs) * N_BINS
    counts = cell_counts(f, columns)
    rated = counts[
        (counts.sum(axis=1) > 0) & (True if exclude is None else ~exclude.to_numpy(dtype=bool))
    ]
    pop = rated.sum(axis=0) + 0.5
    hist = pop[:n_hist]
    if (
        len(rated) < 10 or _agreement(hist / hist.sum(), signs) <= 0
    ):  # too few raters, or no consensus to invert
        return None
    init = np.r_[
        hist[_mirror(len(signs))], pop[n_hist:]
    ]  # the safety view starts as the population's: learnt
    fit = fit_detector(counts, init, c, exclude=exclude, blocks=blocks)
    if fit is None:
        return None
    agreement = _agreement(fit.f_adversarial, signs)
    if agreement >= _agreement(fit.f_ordinary, signs):  # not an inverted class
        return None
    if agreement >= c.max_agreement and fit.pi >= c.max_share * (1 - 1e-9):
        return None  # with the quality signal, only less closely, and as large as allowed: a taste, not a minority
    rate = _reactions_of_served(f, counts, blocks) if c.rate_view else None
    if rate is not None:  # how often each class reacts to what it is served
        post, _ = score(fit, counts, exclude)
        view = fit_rate_view(
            *rate,
            post,
            None if exclude is None else ~exclude.to_numpy(dtype=bool),
            smoothing=c.smoothing,
        )
        if view is not None:
            fit.views["rate"] = view
    return fit


def _reactions_of_served(
    f: pd.DataFrame, counts: np.ndarray, blocks: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | None:
    """Each user's rated reactions and served replies (None without served counts, e.g. a frame of cells only)."""
    if "n_turns" not in f.columns:
        return None
    return counts[:, blocks == 0].sum(axis=1), f["n_turns"].fillna(0).to_numpy()


def _rate_llr(
    f: pd.DataFrame, fit: LatentFit, counts: np.ndarray, blocks: np.ndarray
) -> np.ndarray | None:
    view = fit.views.get("rate")
    rate = _reactions_of_served(f, counts, blocks) if view is not None else None
    return None if rate is None or view is None else rate_llr(view, *rate)


def troll_posterior(
    f: pd.DataFrame,
    cfg: AdversarialConfig,
    exclude: pd.Series | None = None,
    fit: LatentFit | None = None,
) -> pd.DataFrame:
    """Posterior of being an inverted rater per user, with the model's parameters (pi, agreements).
    ``fit``: an already fitted model (default: fit one on ``f``)."""
    fit = fit if fit is not None else fit_trolls(f, cfg, exclude)
    if fit is None:
        zeros = np.zeros(len(f))
        return pd.DataFrame(
            {
                "troll_posterior": zeros,
                "troll_llr": zeros,
                "pi": 0.0,
                "agreement_honest": 0.0,
                "agreement_troll": 0.0,
            },
            index=f.index,
        )
    columns, blocks = _cells(cfg)
    counts = cell_counts(f, columns)
    post, llr = score(fit, counts, exclude, _rate_llr(f, fit, counts, blocks))
    signs = _signs(cfg)
    return pd.DataFrame({"troll_posterior": post, "troll_llr": llr}, index=f.index).assign(
        pi=fit.pi,
        agreement_honest=_agreement(fit.f_ordinary, signs),
        agreement_troll=_agreement(fit.f_adversarial, signs),
    )


def detect_trolls(
    f: pd.DataFrame,
    cfg: AdversarialConfig,
    exclude: pd.Series | None = None,
    fit: LatentFit | None = None,
) -> pd.DataFrame:
    c = cfg.troll
    p = troll_posterior(f, cfg, exclude, fit)
    enough = f["n_rated"].fillna(0) >= c.min_reactions
    flag = enough & (p["troll_posterior"] >= c.posterior_threshold)
    troll_score = p["troll_llr"].where(enough, 0.0).clip(lower=0.0)
    reason = pd.Series("", index=f.index, dtype=object)
    x = f[flag]
    if len(x):
        reason[flag] = (
            "troll: "
            + x["n_rated"].astype(int).astype(str)
            + " reactions against the population's quality "
            "signal (mean signed quality z "
            + x["agreement_mean"].round(2).astype(str)
            + " vs population "
            + f"{p['agreement_honest'].iloc[0]:.2f}"
            + "; posterior of an inverted rater "
            + p.loc[flag, "troll_posterior"].round(3).astype(str)
            + ")"
        )
    return pd.DataFrame(
        {
            "troll_score": troll_score,
            "is_troll": flag,
            "troll_reason": reason,
            "troll_posterior": p["troll_posterior"],
        },
        index=f.index,
    )
