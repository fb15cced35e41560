"""Coordinated accounts by their positive reactions: inside bursts on the content kind, and how fast.

Every positive reaction is a cell: whether it fell inside a burst on its content kind (many accounts
reacting to the same kind of content in the same short window, far above that kind's usual rate; see
bursts) and the bin of its latency after the response was served. Daily stats store per-user cell
counts. A two-class latent model (rluf_core.adversarial.latent_class) fits how ordinary and coordinated
accounts spread over the cells; the coordinated class starts as the population tilted toward the burst
cells and learns the rest (its latency included) from the data.

With ``brigade.unsafe_view``, a second, independent view of the same positive reactions says whether
they went to replies the rule-based safety judge finds unsafe: the content kind a raid on a reward
model most wants to push up. The model learns from the population how much more the coordinated class
loves unsafe replies (it is not assumed). An account is flagged when its posterior reaches
``brigade.posterior_threshold`` and it has at least one reaction inside a burst.
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
from rluf_core.config.adversarial import AdversarialConfig

LATENCY_EDGES_S = np.array(
    [2.0, 5.0, 10.0, 20.0, 60.0, 300.0]
)  # 7 bins, and one for an unknown latency
N_LAT = len(LATENCY_EDGES_S) + 2
BURST_COLUMNS = [f"cb_{b}_{i}" for b in (0, 1) for i in range(N_LAT)]
_IN_BURST = np.repeat([False, True], N_LAT)


def _cells(cfg: AdversarialConfig) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The model's columns, which are inside a burst, and their block (0: burst x latency, 1: safety)."""
    columns, blocks = with_safety_view(BURST_COLUMNS, cfg.brigade.unsafe_view)
    return (
        columns,
        np.r_[_IN_BURST, np.zeros(len(columns) - len(BURST_COLUMNS), dtype=bool)],
        blocks,
    )


def burst_latency_cells(in_burst: np.ndarray, latency_s: np.ndarray) -> np.ndarray:
    """Cell index (inside a burst or not x latency bin) of each positive reaction."""
    lat = np.asarray(latency_s, dtype=float)
    b = np.where(
        np.isnan(lat) | (lat < 0),
        N_LAT - 1,
        np.searchsorted(LATENCY_EDGES_S, np.nan_to_num(lat), side="right"),
    )
    return np.asarray(in_burst, dtype=np.int64) * N_LAT + b


def fit_coordination(
    f: pd.DataFrame, cfg: AdversarialConfig, exclude: pd.Series | None = None
) -> LatentFit | None:
    """The coordinated-account model fitted on the population; None when no class reacts more in bursts."""
    c = cfg.brigade
    columns, in_burst, blocks = _cells(cfg)
    counts = cell_counts(f, columns)
    init = (counts.sum(axis=0) + 0.5) * np.where(in_burst, c.burst_tilt, 1.0)
    fit = fit_detector(counts, init, c, exclude=exclude, blocks=blocks)
    if fit is None or fit.f_adversarial[in_burst].sum() <= fit.f_ordinary[in_burst].sum():
        return None
    return fit


def coordination_posterior(
    f: pd.DataFrame,
    cfg: AdversarialConfig,
    exclude: pd.Series | None = None,
    fit: LatentFit | None = None,
) -> pd.DataFrame:
    """Posterior of belonging to a coordinated group, per user (0 without a reaction inside a burst), with
    the model's burst shares. ``fit``: an already fitted model (default: fit one on ``f``)."""
    fit = fit if fit is not None else fit_coordination(f, cfg, exclude)
    if fit is None:
        zeros = np.zeros(len(f))
        return pd.DataFrame(
            {
                "coord_posterior": zeros,
                "coord_llr": zeros,
                "coord_pi": 0.0,
                "burst_share_ordinary": 0.0,
                "burst_share_coordinated": 0.0,
            },
            index=f.index,
        )
    columns, in_burst_cell, _ = _cells(cfg)
    counts = cell_counts(f, columns)
    post, llr = score(fit, counts, exclude)
    in_burst = counts[:, in_burst_cell].sum(axis=1) > 0
    return pd.DataFrame(
        {"coord_posterior": np.where(in_burst, post, 0.0), "coord_llr": llr}, index=f.index
    ).assign(
        coord_pi=fit.pi,
        burst_share_ordinary=float(fit.f_ordinary[in_burst_cell].sum()),
        burst_share_coordinated=float(fit.f_adversarial[in_burst_cell].sum()),
    )


def coordinated_excess(df: pd.DataFrame, coordinated: pd.DataFrame | None) -> pd.Series:
    """Per labelled row: the excess share of the burst its receiving user's positive reaction fell in
    (0: none)."""
    if coordinated is None or coordinated.empty:
        return pd.Series(0.0, index=df.index)
    c = coordinated.groupby(["turn_id", "user_id"])["excess_share"].max()
    key = pd.MultiIndex.from_arrays([df["turn_id"].astype(str), df["user_id"].astype(str)])
    return (
        pd.Series(c.reindex(key).to_numpy(), index=df.index)
        .fillna(0.0)
        .where(df["label"] == 1, 0.0)
    )
