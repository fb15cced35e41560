"""Per-user, per-day aggregates: computed once per day, stored, and summed over the trailing window.

Two datasets per day:
- ``user_daily_stats``: one row per user active that day (received turns or reacted), additive
  columns only (counts and sums), so that a window is the sum of its days;
- ``user_coreaction_daily``: pairs of accounts that gave a positive reaction to the same content kind
  inside the same short window, with the number of such windows that day;
- ``coordinated_reactions``: the day's positive reactions that fall inside a burst on their content
  kind, with the burst's excess share (1 - baseline / observed accounts): the label-level filter.
"""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
from scipy.stats import poisson
from sklearn.cluster import MiniBatchKMeans
from sklearn.preprocessing import normalize

from rluf_core.adversarial.quality import QualityModel
from rluf_core.adversarial.coordination import BURST_COLUMNS, burst_latency_cells
from rluf_core.adversarial.latent_class import SAFETY_COLUMNS
from rluf_core.adversarial.trolls import HIST_COLUMNS, reaction_cells
from rluf_core.config import RlufConfig
from rluf_core.judges.safety import SafetyJudge

log = logging.getLogger(__name__)

STATS_DATASET = "user_daily_stats"
PAIRS_DATASET = "user_coreaction_daily"
COORDINATED_DATASET = "coordinated_reactions"

SUM_COLUMNS = [
    "n_turns", "n_add", "n_remove", "n_pos", "n_neg", "n_own", "n_own_turns", "lat_n", "lat_sum", "lat_sq",
    "q_pos_n", "q_pos_sum", "q_neg_n", "q_neg_sum", "cells_n", "burst_n", "burst_exp",
    "coord_n", "coord_day", *HIST_COLUMNS, *BURST_COLUMNS, *SAFETY_COLUMNS,
]
STATS_COLUMNS = ["day", "user_id", *SUM_COLUMNS, "first_ts", "last_ts"]
PAIR_COLUMNS = ["day", "user_a", "user_b", "n_co"]
# cell: the burst window's start in half windows since midnight (windows on two grids, half a window apart)
COORDINATED_COLUMNS = ["day", "turn_id", "user_id", "key", "cell", "n_accounts", "baseline", "burst_p", "excess_share"]

TURN_COLUMNS = ["turn_id", "user_id", "ts", "response", "topic"]
REACTION_COLUMNS = ["turn_id", "user_id", "ts", "reaction", "action", "is_receiving_user", "latency_s"]


def standing_adds(rx: pd.DataFrame) -> pd.Series:
    """Per event (bool, rx's index): an add that is the user's final state for its (turn, reaction) in these
    events, as labels resolve toggles (last action by time, ties by event_id). A love undone seconds later is a
    mis-tap, one removed and added back is one verdict, not two; only standing reactions become labels."""
    order = ["ts", "event_id"] if "event_id" in rx.columns else ["ts"]
    ev = rx.sort_values(order, kind="stable")
    last = ~ev.duplicated(["turn_id", "user_id", "reaction"], keep="last")
    return (last & (ev["action"] == "add")).reindex(rx.index)


def _require(df: pd.DataFrame, cols: list[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing columns {missing} (has {list(df.columns)})")


def _seconds(ts: pd.Series) -> np.ndarray:
    return pd.to_datetime(ts, utc=True).astype("datetime64[ns, UTC]").astype("int64").to_numpy() / 1e9


def _quality(day: str, turns: pd.DataFrame, reactions: pd.DataFrame, cfg: RlufConfig,
             user_trust: pd.Series | None = None) -> pd.DataFrame:
    """Quality z (and text cluster) per turn_id, for the turns the day's reactions touch.

    ``user_trust``: weight (0..1) per user_id of their labels in the text model's fit (default 1)."""
    acfg = cfg.adversarial
    key = "topic" if "topic" in turns.columns else None
    today = turns[turns["_day"] == day]
    if "label" in turns.columns:  # labelled turns of the day and of the fit days before it
        train = turns[turns["label"].notna()]
        label = train["label"].astype(int)
    else:
        pos = reactions[(reactions["reaction"] == cfg.labels.positive_reaction) & (reactions["action"] == "add")
                        & reactions["is_receiving_user"].astype(bool)]
        train, label = today, today["turn_id"].isin(pos["turn_id"]).astype(int)
    seed = cfg.seed + int(day.replace("-", ""))
    trust = train["user_id"].map(user_trust) if user_trust is not None and len(user_trust) else None
    model = QualityModel(acfg.quality, seed=seed).fit(train, label, None if trust is None else trust.fillna(1.0))
    touched = turns[turns["turn_id"].isin(reactions["turn_id"])]
    ref = today.sample(n=min(len(today), acfg.quality.reference_rows), random_state=seed % 2**31) if len(today) else today
    both = pd.concat([ref.assign(_ref=True), touched.assign(_ref=False)], ignore_index=True)
    X = model.hash_words(both)  # hashed once: logit, clusters
    logit = model.logit(both, plain=X)
    # standardise with the reference sample's distribution per content kind
    z_ref = pd.Series(logit[both["_ref"].to_numpy()], dtype=float)
    grp_ref = both.loc[both["_ref"], key].fillna("").astype(str).to_numpy() if key else np.zeros(len(z_ref), str)
    med = z_ref.groupby(grp_ref).median()
    mad = (z_ref - z_ref.groupby(grp_ref).transform("median")).abs().groupby(grp_ref).median() * 1.4826
    gmed = float(z_ref.median()) if len(z_ref) else 0.0
    gmad = float((z_ref - gmed).abs().median() * 1.4826) if len(z_ref) else 1.0
    gmad = gmad if gmad > 1e-9 else 1.0
    t = both[~both["_ref"]].reset_index(drop=True)
    grp = t[key].fillna("").astype(str) if key else pd.Series("", index=t.index)
    m = grp.map(med).fillna(gmed).to_numpy()
    s = grp.map(mad).fillna(gmad).to_numpy()
    s = np.where(s > 1e-9, s, gmad)
    z = np.clip((logit[~both["_ref"].to_numpy()] - m) / s, -5, 5)
    out = pd.DataFrame({"z": z, "cluster": _clusters(X[np.flatnonzero(~both["_ref"].to_numpy())], cfg, seed)},
                       index=t["turn_id"].to_numpy())
    return out[~out.index.duplicated()]


def _clusters(X, cfg: RlufConfig, seed: int) -> np.ndarray:
    """Text clusters of the reacted turns (a content kind that needs no topic column)."""
    k = cfg.adversarial.brigade.n_clusters
    if "cluster" not in cfg.adversarial.brigade.content_keys or X.shape[0] < 2 * k:
        return np.zeros(X.shape[0], dtype=np.int64)
    km = MiniBatchKMeans(n_clusters=k, random_state=seed % 2**31, n_init=3, batch_size=4096)
    return km.fit_predict(normalize(X)).astype(np.int64)  # unit length whatever the quality model's norm


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
        for _ in range(2):  # the floor (the key's mean rate) is re-estimated without the first pass's bursts
            rest = np.setdiff1d(np.arange(n_cells), hit)
            floor = max(grid[rest].sum() / max(len(rest), 1), 1.0 / n_cells)
            lam = np.maximum(base, floor)
            p = poisson.sf(grid - 1, lam)
            hit = np.flatnonzero((grid >= bcfg.burst_min_accounts) & (p < bcfg.burst_p_value))
        covered += lam[hit].sum()
        out.append(pd.DataFrame({"key": key, "cell": hit, "burst_p": p[hit], "n_accounts": grid[hit].astype("int64"),
                                 "baseline": lam[hit]}))
    cols = ["key", "cell", "burst_p", "n_accounts", "baseline"]
    return (pd.concat(out, ignore_index=True) if out else pd.DataFrame(columns=cols)), covered


def _coreaction(pos: pd.DataFrame, day: str, cfg: RlufConfig) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Each user's reaction windows, burst windows and expected burst windows; pairs sharing bursts;
    the positive reactions inside bursts on their content kind (label level)."""
    bcfg = cfg.adversarial.brigade
    w = bcfg.window_s
    n_cells = int(np.ceil(86400.0 / w))
    t = _seconds(pos["ts"])
    day0 = pd.Timestamp(day, tz="UTC").timestamp()
    qz = pos["_qz"].to_numpy(dtype=float) if "_qz" in pos else np.zeros(len(pos))
    qb = np.where(qz < -bcfg.quality_bucket_z, "low", np.where(qz > bcfg.quality_bucket_z, "high", "mid"))
    base = pd.DataFrame({"user_id": pos["user_id"].to_numpy(), "cell": np.floor((t - day0) / w).astype("int64"),
                         "half": np.floor((t - day0) / w * 2).astype("int64"),
                         "topic": pos["topic"].fillna("").astype(str).to_numpy(), "quality": qb,
                         "cluster": pos["cluster"].to_numpy() if "cluster" in pos else "0",
                         "safety": pos["safety"].to_numpy() if "safety" in pos else "safe",
                         "turn_id": pos["turn_id"].astype(str).to_numpy()})
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
        if k in bcfg.label_filter_keys:  # label level: windows on the grid and on the grid shifted by half a window
            lab = keyed[["turn_id", "user_id", "key", "cell"]]
            labels.append(lab.merge(b, on=["key", "cell"]).assign(cell=lambda x: x["cell"] * 2))
            shifted = keyed.assign(cell=(keyed["half"] - 1) // 2)
            shifted = shifted[shifted["cell"] >= 0]
            b2, _ = _bursts(shifted.drop_duplicates(["user_id", "key", "cell"]), n_cells, cfg)
            labels.append(shifted[lab.columns].merge(b2, on=["key", "cell"]).assign(cell=lambda x: x["cell"] * 2 + 1))
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
        log.warning("co-reaction: %d burst events in windows over %d accounts on %s; sampling",
                    int(big.sum()), bcfg.max_cell_users, day)
        hits = pd.concat([hits[~big], hits[big].groupby("cell", group_keys=False)
                          .sample(n=bcfg.max_cell_users, random_state=0)])
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
        return pd.DataFrame({c: pd.Series(dtype="float64" if c in ("baseline", "burst_p", "excess_share") else
                                          "int64" if c in ("cell", "n_accounts") else object) for c in COORDINATED_COLUMNS})
    c = pd.concat(labels, ignore_index=True)
    c["excess_share"] = (1.0 - c["baseline"] / c["n_accounts"].clip(lower=1)).clip(lower=0.0)
    c = c.sort_values(["excess_share", "burst_p"], ascending=[False, True]).drop_duplicates(["turn_id", "user_id"])
    c.insert(0, "day", day)
    c[["cell", "n_accounts"]] = c[["cell", "n_accounts"]].astype("int64")
    return c[COORDINATED_COLUMNS].sort_values(["cell", "turn_id", "user_id"], ignore_index=True)


def compute_user_daily_stats(
    day: dt.date | str, turns: pd.DataFrame, reactions: pd.DataFrame, cfg: RlufConfig
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregates of one day's reactions (and the day's served turns) per user, and co-reaction pairs."""
    stats, pairs, _ = compute_daily_aggregates(day, turns, reactions, cfg)
    return stats, pairs


def compute_daily_aggregates(
    day: dt.date | str, turns: pd.DataFrame, reactions: pd.DataFrame, cfg: RlufConfig,
    user_trust: pd.Series | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per-user aggregates, co-reaction pairs and coordinated positive reactions of one day.

    ``turns``: clean_turns of the day, plus earlier turns that the day's reactions refer to (their
    text is needed for the quality signal); an optional ``label`` column (labeled_turns) fits the
    quality model. ``reactions``: the day's clean_reactions (add/remove events, deduplicated).
    ``user_trust``: per user_id, the weight of their labels in the quality model's fit (default 1).
    """
    day = day if isinstance(day, str) else day.isoformat()
    _require(turns, TURN_COLUMNS, "turns")
    _require(reactions, REACTION_COLUMNS, "reactions")
    turns = turns.drop_duplicates("turn_id").copy()
    ts_day = pd.to_datetime(turns["ts"], utc=True).dt.floor("D")
    turns["_day"] = np.where(ts_day == pd.Timestamp(day, tz="UTC"), day, "")  # only "is it the day" is used
    today = turns[turns["_day"] == day]
    rx = reactions.copy()
    adds = rx[rx["action"] == "add"]
    positive = cfg.labels.positive_reaction
    is_pos = adds["reaction"] == positive
    is_neg = adds["reaction"].isin(cfg.adversarial.negative_reactions)
    own = adds["is_receiving_user"].fillna(False).astype(bool)

    q = _quality(day, turns, rx, cfg, user_trust) if len(adds) else pd.DataFrame(columns=["z", "cluster"])
    qz_all = adds["turn_id"].map(q["z"])
    # the inverted-rater model reads the reactions that can become labels: on the reacting user's own turns
    qz = qz_all.where(own) if cfg.adversarial.troll.own_turns_only else qz_all
    approve = is_pos | adds["reaction"].isin(cfg.adversarial.agreement_positive_reactions)
    lat = adds["latency_s"].astype(float)
    loglat = np.log10(lat.clip(lower=0.1))
    has_lat = lat.notna() & (lat >= 0)
    e = pd.DataFrame({
        "user_id": adds["user_id"].to_numpy(),
        "n_add": 1, "n_pos": is_pos.to_numpy().astype(int), "n_neg": is_neg.to_numpy().astype(int),
        "n_own": own.to_numpy().astype(int),
        "lat_n": has_lat.to_numpy().astype(int),
        "lat_sum": np.where(has_lat, loglat, 0.0), "lat_sq": np.where(has_lat, loglat**2, 0.0),
        "q_pos_n": (approve & qz.notna()).to_numpy().astype(int),
        "q_pos_sum": np.where(approve & qz.notna(), qz.fillna(0), 0.0),
        "q_neg_n": (is_neg & qz.notna()).to_numpy().astype(int),
        "q_neg_sum": np.where(is_neg & qz.notna(), qz.fillna(0), 0.0),
        "ts": pd.to_datetime(adds["ts"], utc=True).to_numpy(),
    })
    # rated reactions as (class, quality-z bin) cells: the inverted-rater model's per-user histogram
    klass = np.where(is_pos, "love", np.where(approve, "approve", np.where(is_neg, "negative", "")))
    if cfg.adversarial.troll.standing_reactions_only:
        klass = np.where(standing_adds(rx).loc[adds.index].to_numpy(dtype=bool), klass, "")
    cell = reaction_cells(klass, qz.to_numpy(dtype=float))
    e = pd.concat([e, _one_hot(cell, HIST_COLUMNS).set_index(e.index)], axis=1)
    g = e.groupby("user_id")
    stats = g[[c for c in e.columns if c not in ("user_id", "ts")]].sum()
    stats["first_ts"] = g["ts"].min()
    stats["last_ts"] = g["ts"].max()
    stats["n_own_turns"] = adds[own].groupby("user_id")["turn_id"].nunique()
    stats["n_remove"] = rx[rx["action"] == "remove"].groupby("user_id").size()
    topic = adds["turn_id"].map(turns.set_index("turn_id")["topic"])
    if "topic" in adds.columns:
        topic = adds["topic"].where(adds["topic"].notna(), topic)
    pos = adds[is_pos].assign(topic=topic[is_pos], _qz=qz_all[is_pos].fillna(0.0),
                              cluster=adds.loc[is_pos, "turn_id"].map(q["cluster"]).fillna(-1).astype("int64").astype(str))
    acfg = cfg.adversarial  # the safety of loved replies: a content kind, and a view of the two latent models
    if "safety" in acfg.brigade.content_keys or acfg.brigade.unsafe_view or acfg.troll.unsafe_view:
        pos["safety"] = pos["turn_id"].map(_safety(turns, pos["turn_id"])).fillna("safe")
    pairs, per_user, coordinated = _coreaction(pos, day, cfg)
    stats = stats.join(per_user, how="left")
    strong = coordinated[coordinated["excess_share"] >= cfg.adversarial.brigade.label_min_excess]
    stats["coord_n"] = strong.groupby("user_id").size()
    stats["coord_day"] = (stats["coord_n"].fillna(0) > 0).astype("int64")  # summed over the window: days with any
    # positive reactions as (inside a burst or not, latency bin) cells: the coordination model's per-user histogram
    key = pd.MultiIndex.from_arrays([pos["turn_id"].astype(str), pos["user_id"].astype(str)])
    in_burst = key.isin(pd.MultiIndex.from_arrays([strong["turn_id"].astype(str), strong["user_id"].astype(str)]))
    cells = burst_latency_cells(in_burst, pos["latency_s"].to_numpy(dtype=float))
    stats = stats.join(_one_hot(cells, BURST_COLUMNS).groupby(pos["user_id"].to_numpy()).sum())
    if "safety" in pos.columns:  # the same positive reactions by the safety of the reply they went to
        unsafe = (pos["safety"] == "unsafe").to_numpy().astype(np.int64)
        stats = stats.join(_one_hot(unsafe, SAFETY_COLUMNS).groupby(pos["user_id"].to_numpy()).sum())
    served = today.groupby("user_id").size().rename("n_turns")
    stats = stats.join(served, how="outer")
    for c in SUM_COLUMNS:
        stats[c] = stats[c].fillna(0) if c in stats else 0
    stats = stats.reset_index().rename(columns={"index": "user_id"})
    stats.insert(0, "day", day)
    int_cols = [c for c in SUM_COLUMNS if not c.endswith(("_sum", "_exp", "_sq"))]
    stats[int_cols] = stats[int_cols].astype("int64")
    return stats[STATS_COLUMNS].sort_values("user_id", ignore_index=True), pairs, coordinated


def _one_hot(cells: np.ndarray, columns: list[str]) -> pd.DataFrame:
    """One row per event with a 1 in its cell's column (cell -1: none), to be summed per user."""
    out = np.zeros((len(cells), len(columns)), dtype=np.int64)
    ok = np.flatnonzero(cells >= 0)
    out[ok, cells[ok]] = 1
    return pd.DataFrame(out, columns=columns)


def _safety(turns: pd.DataFrame, turn_ids: pd.Series) -> pd.Series:
    """'unsafe' / 'safe' per reacted turn by the rule-based safety judge (a content kind with no labels)."""
    t = turns[turns["turn_id"].isin(set(turn_ids))].drop_duplicates("turn_id")
    unsafe = SafetyJudge().is_unsafe(t["response"])
    return pd.Series(np.where(unsafe, "unsafe", "safe"), index=t["turn_id"].to_numpy())
