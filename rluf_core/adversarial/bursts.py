"""Bursts and co-reactions in one day's positive reactions (the evidence of coordination).

A content kind's window is a burst when far more accounts give it a positive reaction than that kind's
rolling baseline predicts (one-sided Poisson test, the baseline re-estimated without the first pass's
bursts). From the bursts come: each user's reaction windows, burst windows and the burst windows a user
reacting at random times would be expected to hit; the pairs of accounts that share burst windows
(``user_coreaction_daily``); and the positive reactions inside a burst on their content kind, with the
burst's excess share (``coordinated_reactions``, the label-level filter).
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy.stats import poisson

from rluf_core.config import RlufConfig

log = logging.getLogger(__name__)

PAIR_COLUMNS = ["day", "user_a", "user_b", "n_co"]
# cell: the burst window's start in half windows since midnight (windows on two grids, half a window apart)
COORDINATED_COLUMNS = [
    "day",
    "turn_id",
    "user_id",
    "key",
    "cell",
    "n_accounts",
    "baseline",
    "burst_p",
    "excess_share",
]


def _seconds(ts: pd.Series) -> np.ndarray:
    return (
        pd.to_datetime(ts, utc=True).astype("datetime64[ns, UTC]").astype("int64").to_numpy() / 1e9
    )


def _bursts(ev: pd.DataFrame, n_cells: int, cfg: RlufConfig) -> tuple[pd.DataFrame, float]:
    """Burst cells of one content key: (key, cell) rows far above the rolling-median baseline.

    Returns the burst cells and the share of the day's baseline activity they cover (what a user
    reacting at random times would see of them).
    """
    bcfg = cfg.adversarial.brigade
    half = max(1, int(round(bcfg.baseline_hours * 3600 / bcfg.window_s)))
    counts = ev.groupby(["key", "cell"]).size()
    out, covered = [], 0.0
    for key, c in counts.groupby(level=0):
        grid = np.zeros(n_cells)
        cells = c.index.get_level_values(1).to_numpy()
        grid[np.clip(cells, 0, n_cells - 1)] = c.to_numpy()
        base = pd.Series(grid).rolling(2 * half + 1, center=True, min_periods=1).median().to_numpy()
        hit = np.zeros(0, dtype=np.int64)
        for _ in range(
            2
        ):  # the floor (the key's mean rate) is re-estimated without the first pass's bursts
            rest = np.setdiff1d(np.arange(n_cells), hit)
            floor = max(grid[rest].sum() / max(len(rest), 1), 1.0 / n_cells)
            lam = np.maximum(base, floor)
            p = poisson.sf(grid - 1, lam)
            hit = np.flatnonzero((grid >= bcfg.burst_min_accounts) & (p < bcfg.burst_p_value))
        covered += lam[hit].sum()
        out.append(
            pd.DataFrame(
                {
                    "key": key,
                    "cell": hit,
                    "burst_p": p[hit],
                    "n_accounts": grid[hit].astype("int64"),
                    "baseline": lam[hit],
                }
            )
        )
    cols = ["key", "cell", "burst_p", "n_accounts", "baseline"]
    return (pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=cols)), covered


def coreaction(
    pos: pd.DataFrame, day: str, cfg: RlufConfig
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Each user's reaction windows, burst windows and expected burst windows; pairs sharing bursts;
    the positive reactions inside bursts on their content kind (label level)."""
    bcfg = cfg.adversarial.brigade
    w = bcfg.window_s
    n_cells = int(np.ceil(86400.0 / w))
    t = _seconds(pos["ts"])
    day0 = pd.Timestamp(day, tz="UTC").timestamp()
    qz = pos["_qz"].to_numpy(dtype=float) if "_qz" in pos else np.zeros(len(pos))
    qb = np.where(
        qz < -bcfg.quality_bucket_z, "low", np.where(qz > bcfg.quality_bucket_z, "high", "mid")
    )
    base = pd.DataFrame(
        {
            "user_id": pos["user_id"].to_numpy(),
            "cell": np.floor((t - day0) / w).astype("int64"),
            "half": np.floor((t - day0) / w * 2).astype("int64"),
            "topic": pos["topic"].fillna("").astype(str).to_numpy(),
            "quality": qb,
            "cluster": pos["cluster"].astype(str).to_numpy() if "cluster" in pos else "0",
            "safety": pos["safety"].astype(str).to_numpy()
            if "safety" in pos
            else "safe",  # str when empty too
            "turn_id": pos["turn_id"].astype(str).to_numpy(),
        }
    )
    base = base[(base["cell"] >= 0) & (base["cell"] < n_cells)]
    frames, labels, covered = [], [], 0.0
    all_ev = base.drop_duplicates(["user_id", "cell"]).assign(key="*")
    total = len(all_ev)
    for k in bcfg.content_keys:
        keyed = base.assign(key="*" if k == "all" else k + ":" + base[k])
        if k == "safety":  # its content kind is "unsafe"; "safe" is everything else, not a kind
            keyed = keyed[keyed["safety"] == "unsafe"]
        ev = all_ev if k == "all" else keyed.drop_duplicates(["user_id", "key", "cell"])
        b, cov = _bursts(ev, n_cells, cfg)
        covered += cov
        frames.append(ev.merge(b, on=["key", "cell"]))
        if (
            k in bcfg.label_filter_keys
        ):  # label level: windows on the grid and on the grid shifted by half a window
            lab = keyed[["turn_id", "user_id", "key", "cell"]]
            labels.append(lab.merge(b, on=["key", "cell"]).assign(cell=lambda x: x["cell"] * 2))
            shifted = keyed.assign(cell=(keyed["half"] - 1) // 2)
            shifted = shifted[shifted["cell"] >= 0]
            b2, _ = _bursts(shifted.drop_duplicates(["user_id", "key", "cell"]), n_cells, cfg)
            labels.append(
                shifted[lab.columns]
                .merge(b2, on=["key", "cell"])
                .assign(cell=lambda x: x["cell"] * 2 + 1)
            )
    hits = pd.concat(frames, ignore_index=True).drop_duplicates(["user_id", "cell"])
    share = min(1.0, covered / max(total, 1))
    per_user = all_ev.groupby("user_id").size().rename("cells_n").to_frame()
    per_user["burst_n"] = hits.groupby("user_id").size()
    per_user["burst_n"] = per_user["burst_n"].fillna(0).astype("int64")
    per_user["burst_exp"] = per_user["cells_n"] * share
    # pairs of accounts in the same burst window (bounded: bursts are rare, big ones sampled)
    n_in = hits.groupby("cell")["user_id"].transform("size")
    big = n_in > bcfg.max_cell_users
    if big.any():
        log.warning(
            "co-reaction: %d burst events in windows over %d accounts on %s; sampling",
            int(big.sum()),
            bcfg.max_cell_users,
            day,
        )
        hits = pd.concat(
            [
                hits[~big],
                hits[big]
                .groupby("cell", group_keys=False)
                .sample(n=bcfg.max_cell_users, random_state=0),
            ]
        )
    h = hits[["user_id", "cell"]]
    m = h.merge(h, on="cell", suffixes=("_a", "_b"))
    m = m[m["user_id_a"] < m["user_id_b"]]
    pairs = m.groupby(["user_id_a", "user_id_b"], as_index=False).size()
    pairs.columns = ["user_a", "user_b", "n_co"]
    pairs.insert(0, "day", day)
    return pairs[PAIR_COLUMNS], per_user, _coordinated(labels, day)


def _coordinated(labels: list[pd.DataFrame], day: str) -> pd.DataFrame:
    """One row per (turn, reacting user) inside a burst on its content kind: the strongest burst."""
    if not labels:
        return pd.DataFrame(
            {
                c: pd.Series(
                    dtype="float64"
                    if c in ("baseline", "burst_p", "excess_share")
                    else "int64"
                    if c in ("cell", "n_accounts")
                    else object
                )
                for c in COORDINATED_COLUMNS
            }
        )
    c = pd.concat(labels, ignore_index=True)
    c["excess_share"] = (1.0 - c["baseline"] / c["n_accounts"].clip(lower=1)).clip(lower=0.0)
    c = c.sort_values(["excess_share", "burst_p"], ascending=[False, True]).drop_duplicates(
        ["turn_id", "user_id"]
    )
    c.insert(0, "day", day)
    c[["cell", "n_accounts"]] = c[["cell", "n_accounts"]].astype("int64")
    return c[COORDINATED_COLUMNS].sort_values(["cell", "turn_id", "user_id"], ignore_index=True)
