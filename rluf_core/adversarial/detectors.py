"""Detectors of adversarial users: each gives a score and a reason per user.

- bots: fast indiscriminate reactors; their reactions are far faster than the population's AND far
  more frequent (per served turn or per day), both measured as robust z-scores (median/MAD);
- brigades: connected components of the co-reaction graph (accounts that repeatedly react to the same
  content kind in the same short window, more than their own activity explains);
- trolls: inverted raters; the posterior of the inverted class of a latent-class model over each user's
  reactions and the population's quality z of what they rated (rluf_core.adversarial.trolls).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.stats import binom, poisson
from scipy.sparse.csgraph import connected_components

from rluf_core.adversarial.trolls import detect_trolls
from rluf_core.config.adversarial import AdversarialConfig

KINDS = ("bot", "brigade", "troll")


def detect_bots(f: pd.DataFrame, cfg: AdversarialConfig) -> pd.DataFrame:
    c = cfg.bot
    indiscriminate = np.maximum(f["z_rate"], f["z_volume"])
    # fast AND at least as indiscriminate as the typical reacting user (rate or volume above median)
    score = f["z_speed"].where((f["n_add"] >= c.min_events) & (indiscriminate >= 0), 0.0).fillna(0.0)
    flag = score >= c.z_threshold
    reason = pd.Series("", index=f.index, dtype=object)
    x = f[flag]
    if len(x):
        reason[flag] = ("bot: mean latency " + (10 ** x["log_latency_raw"]).round(2).astype(str) + "s (z_speed "
                        + x["z_speed"].round(1).astype(str) + "), reaction rate " + x["reaction_rate_raw"].round(2).astype(str)
                        + " of served turns, " + x["events_per_day"].round(1).astype(str) + " reactions/day")
    return pd.DataFrame({"bot_score": score, "is_bot": flag, "bot_reason": reason}, index=f.index)


def coreaction_groups(f: pd.DataFrame, pairs: pd.DataFrame, cfg: AdversarialConfig) -> pd.DataFrame:
    """Coordinated accounts (burst test) linked by shared burst windows; groups = connected components."""
    c = cfg.brigade
    users = f["user_id"].astype(str)
    p_user = pd.Series(poisson.sf(f["burst_n"] - 1, f["burst_exp"].clip(lower=1e-9)), index=f.index)
    cand = (f["burst_n"] >= c.min_burst_reactions) & (p_user < c.user_p_value)
    out = pd.DataFrame({"group_id": pd.Series([None] * len(f), dtype=object, index=f.index), "group_size": 0,
                        "brigade_score": -np.log10(p_user.clip(lower=1e-300)).where(cand, 0.0),
                        "burst_p": p_user, "shared_windows": 0}, index=f.index)
    if pairs.empty or not cand.any():
        return out
    cu = set(users[cand])
    e = pairs[pairs["user_a"].isin(cu) & pairs["user_b"].isin(cu) & (pairs["n_co"] >= c.min_shared_windows)]
    if e.empty:
        return out
    idx = pd.Index(pd.unique(np.concatenate([e["user_a"].to_numpy(), e["user_b"].to_numpy()])))
    a, b = idx.get_indexer(e["user_a"]), idx.get_indexer(e["user_b"])
    g = coo_matrix((np.ones(len(e)), (a, b)), shape=(len(idx), len(idx)))
    _, comp = connected_components(g, directed=False)
    comp_s = pd.Series(comp, index=idx)
    size = comp_s.map(comp_s.value_counts())
    shared = pd.concat([pd.Series(e["n_co"].to_numpy(), index=e["user_a"].to_numpy()),
                        pd.Series(e["n_co"].to_numpy(), index=e["user_b"].to_numpy())]).groupby(level=0).sum()
    first = pd.Series(idx, index=idx).groupby(comp_s).transform("min")  # stable id: smallest member
    in_group = cand & (users.map(size).fillna(0) >= c.min_group_size)
    out.loc[in_group, "group_id"] = "g-" + users[in_group].map(first).str.slice(0, 16)
    out.loc[in_group, "group_size"] = users[in_group].map(size).astype(int)
    out.loc[in_group, "shared_windows"] = users[in_group].map(shared).astype(int)
    return out


def repeated_coordination(f: pd.DataFrame, cfg: AdversarialConfig, others: pd.Series) -> pd.DataFrame:
    """Accounts whose positive reactions repeatedly (on several days) fall inside bursts on their content kind.

    Null: each positive reaction lands in a burst with the rate of accounts no detector flags (a binomial
    test); an account needs ``repeat_min_days`` such days and p < ``user_p_value``.
    """
    c = cfg.brigade
    n = f["n_pos"].fillna(0).astype(float)
    k = f.get("coord_n", pd.Series(0, index=f.index)).fillna(0).astype(float)
    days = f.get("coord_day", pd.Series(0, index=f.index)).fillna(0)
    ref = ~others & (n > 0)
    q = float(k[ref].sum() / max(n[ref].sum(), 1.0))
    p = pd.Series(binom.sf(k - 1, n, min(max(q, 1e-6), 0.5)), index=f.index).where(k > 0, 1.0)
    flag = (days >= c.repeat_min_days) & (p < c.user_p_value)
    return pd.DataFrame({"coord_p": p, "coord_flag": flag, "coord_rate": q}, index=f.index)


def detect_brigades(f: pd.DataFrame, pairs: pd.DataFrame, cfg: AdversarialConfig, others: pd.Series | None = None) -> pd.DataFrame:
    g = coreaction_groups(f, pairs, cfg)
    in_group = g["group_size"] >= cfg.brigade.min_group_size
    rc = repeated_coordination(f, cfg, in_group | (others if others is not None else False))
    flag = in_group | rc["coord_flag"]
    g["brigade_score"] = np.maximum(g["brigade_score"], -np.log10(rc["coord_p"].clip(lower=1e-300)).where(rc["coord_flag"], 0.0))
    reason = pd.Series("", index=f.index, dtype=object)
    lone = rc["coord_flag"] & ~in_group
    if lone.any():
        reason[lone] = ("brigade: " + f.loc[lone, "coord_n"].astype(int).astype(str) + " of " + f.loc[lone, "n_pos"].astype(int).astype(str)
                        + " positive reactions on " + f.loc[lone, "coord_day"].astype(int).astype(str) + " days inside bursts on "
                        "their content kind (population rate " + f"{rc['coord_rate'].iloc[0]:.3f}" + ", p "
                        + rc.loc[lone, "coord_p"].map(lambda v: f"{v:.1e}") + ")")
    flag_g = in_group
    x, y = f[flag_g], g[flag_g]
    if len(x):
        reason[flag_g] = ("brigade: " + x["burst_n"].astype(int).astype(str) + " of " + x["cells_n"].astype(int).astype(str)
                        + " reaction windows in bursts (expected " + x["burst_exp"].round(1).astype(str) + ", p "
                        + y["burst_p"].map(lambda v: f"{v:.1e}") + "), " + y["shared_windows"].astype(str)
                        + " shared with " + (y["group_size"] - 1).astype(str) + " accounts of group "
                        + y["group_id"].astype(str))
    g["brigade_score"] = g["brigade_score"].where(flag, 0.0)
    return g.drop(columns=["burst_p"]).assign(is_brigade=flag, brigade_reason=reason)


def detect(f: pd.DataFrame, pairs: pd.DataFrame, cfg: AdversarialConfig) -> pd.DataFrame:
    """All detectors on one feature frame; `kind` is the first that fired of bot, brigade, troll."""
    bots = detect_bots(f, cfg)
    brigades = detect_brigades(f, pairs, cfg, bots["is_bot"])
    # accounts another detector explains stay out of the inverted-rater model's fit
    trolls = detect_trolls(f, cfg, exclude=bots["is_bot"] | brigades["is_brigade"])
    out = pd.concat([bots, brigades, trolls], axis=1)
    out["flagged"] = out[["is_bot", "is_brigade", "is_troll"]].any(axis=1)
    # the most specific behaviour names the kind: a bot or a brigade account also disagrees with the crowd
    out["kind"] = np.where(out["is_bot"], "bot", np.where(out["is_brigade"], "brigade", np.where(out["is_troll"], "troll", "")))
    reason = pd.Series("", index=out.index, dtype=object)
    for col in ("bot_reason", "brigade_reason", "troll_reason"):
        has = out[col] != ""
        reason[has] = np.where(reason[has] == "", out.loc[has, col], reason[has] + "; " + out.loc[has, col])
    out["reason"] = reason
    return out.drop(columns=["bot_reason", "brigade_reason", "troll_reason"])
