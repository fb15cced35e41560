"""Detectors of adversarial users: each gives a score and a reason per user.

- bots: fast indiscriminate reactors; their reactions are far faster than the population's AND far
  more frequent (per served turn or per day), both measured as robust z-scores (median/MAD);
- brigades: accounts whose positive reactions fall inside bursts on their content kind (many accounts, same
  content kind, same short window) far more than ordinary accounts' do: a latent-class posterior
  (rluf_core.adversarial.coordination); linked accounts form groups (connected components of the
  co-reaction graph);
- trolls: inverted raters; the posterior of the inverted class of a latent-class model over each user's
  reactions and the population's quality z of what they rated (rluf_core.adversarial.trolls).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components
from scipy.stats import poisson

from rluf_core.adversarial.coordination import coordination_posterior, fit_coordination
from rluf_core.adversarial.latent_class import LatentFit
from rluf_core.adversarial.trolls import detect_trolls, fit_trolls
from rluf_core.config.adversarial import AdversarialConfig

KINDS = ("bot", "brigade", "troll")


def detect_bots(f: pd.DataFrame, cfg: AdversarialConfig) -> pd.DataFrame:
    c = cfg.bot
    indiscriminate = np.maximum(f["z_rate"], f["z_volume"])
    # fast AND at least as indiscriminate as the typical reacting user (rate or volume above median)
    score = (
        f["z_speed"].where((f["n_add"] >= c.min_events) & (indiscriminate >= 0), 0.0).fillna(0.0)
    )
    flag = score >= c.z_threshold
    reason = pd.Series("", index=f.index, dtype=object)
    x = f[flag]
    if len(x):
        reason[flag] = (
            "bot: mean latency "
            + (10 ** x["log_latency_raw"]).round(2).astype(str)
            + "s (z_speed "
            + x["z_speed"].round(1).astype(str)
            + "), reaction rate "
            + x["reaction_rate_raw"].round(2).astype(str)
            + " of served turns, "
            + x["events_per_day"].round(1).astype(str)
            + " reactions/day"
        )
    return pd.DataFrame({"bot_score": score, "is_bot": flag, "bot_reason": reason}, index=f.index)


def coreaction_groups(f: pd.DataFrame, pairs: pd.DataFrame, cfg: AdversarialConfig) -> pd.DataFrame:
    """Coordinated accounts (burst test) linked by shared burst windows; groups = connected components."""
    c = cfg.brigade
    users = f["user_id"].astype(str)
    p_user = pd.Series(poisson.sf(f["burst_n"] - 1, f["burst_exp"].clip(lower=1e-9)), index=f.index)
    cand = (f["burst_n"] >= c.min_burst_reactions) & (p_user < c.user_p_value)
    out = pd.DataFrame(
        {
            "group_id": pd.Series([None] * len(f), dtype=object, index=f.index),
            "group_size": 0,
            "brigade_score": -np.log10(p_user.clip(lower=1e-300)).where(cand, 0.0),
            "burst_p": p_user,
            "shared_windows": 0,
        },
        index=f.index,
    )
    if pairs.empty or not cand.any():
        return out
    cu = set(users[cand])
    e = pairs[
        pairs["user_a"].isin(cu)
        & pairs["user_b"].isin(cu)
        & (pairs["n_co"] >= c.min_shared_windows)
    ]
    if e.empty:
        return out
    idx = pd.Index(pd.unique(np.concatenate([e["user_a"].to_numpy(), e["user_b"].to_numpy()])))
    a, b = idx.get_indexer(e["user_a"]), idx.get_indexer(e["user_b"])
    g = coo_matrix((np.ones(len(e)), (a, b)), shape=(len(idx), len(idx)))
    _, comp = connected_components(g, directed=False)
    comp_s = pd.Series(comp, index=idx)
    size = comp_s.map(comp_s.value_counts())
    shared = (
        pd.concat(
            [
                pd.Series(e["n_co"].to_numpy(), index=e["user_a"].to_numpy()),
                pd.Series(e["n_co"].to_numpy(), index=e["user_b"].to_numpy()),
            ]
        )
        .groupby(level=0)
        .sum()
    )
    first = pd.Series(idx, index=idx).groupby(comp_s).transform("min")  # stable id: smallest member
    in_group = cand & (users.map(size).fillna(0) >= c.min_group_size)
    out.loc[in_group, "group_id"] = "g-" + users[in_group].map(first).str.slice(0, 16)
    out.loc[in_group, "group_size"] = users[in_group].map(size).astype(int)
    out.loc[in_group, "shared_windows"] = users[in_group].map(shared).astype(int)
    return out


def detect_brigades(
    f: pd.DataFrame,
    pairs: pd.DataFrame,
    cfg: AdversarialConfig,
    others: pd.Series | None = None,
    fit: LatentFit | None = None,
) -> pd.DataFrame:
    g = coreaction_groups(f, pairs, cfg)
    in_group = g["group_size"] >= cfg.brigade.min_group_size
    cp = coordination_posterior(f, cfg, others, fit)
    lone_flag = cp["coord_posterior"] >= cfg.brigade.posterior_threshold
    if others is not None:
        lone_flag &= ~others
    flag = in_group | lone_flag
    g["brigade_score"] = np.maximum(
        g["brigade_score"], cp["coord_llr"].clip(lower=0.0).where(lone_flag, 0.0)
    )
    reason = pd.Series("", index=f.index, dtype=object)
    lone = lone_flag & ~in_group
    if lone.any():
        reason[lone] = (
            "brigade: "
            + f.loc[lone, "coord_n"].astype(int).astype(str)
            + " of "
            + f.loc[lone, "n_pos"].astype(int).astype(str)
            + " positive reactions inside bursts on their content kind (ordinary accounts: "
            + f"{cp['burst_share_ordinary'].iloc[0]:.3f}, coordinated: {cp['burst_share_coordinated'].iloc[0]:.2f}"
            + "); posterior of a coordinated account "
            + cp.loc[lone, "coord_posterior"].round(3).astype(str)
        )
    x, y = f[in_group], g[in_group]
    if len(x):
        reason[in_group] = (
            "brigade: "
            + x["burst_n"].astype(int).astype(str)
            + " of "
            + x["cells_n"].astype(int).astype(str)
            + " reaction windows in bursts (expected "
            + x["burst_exp"].round(1).astype(str)
            + ", p "
            + y["burst_p"].map(lambda v: f"{v:.1e}")
            + "), "
            + y["shared_windows"].astype(str)
            + " shared with "
            + (y["group_size"] - 1).astype(str)
            + " accounts of group "
            + y["group_id"].astype(str)
        )
    g["brigade_score"] = g["brigade_score"].where(flag, 0.0)
    return g.drop(columns=["burst_p"]).assign(
        is_brigade=flag, brigade_reason=reason, coord_posterior=cp["coord_posterior"]
    )


def _name_coordinated_inverted_raters(
    brigades: pd.DataFrame, trolls: pd.DataFrame, cfg: AdversarialConfig
) -> pd.DataFrame:
    """Accounts the inverted-rater model flags and the coordination model finds more likely coordinated than not
    (``brigade.inverted_coordination_posterior``) are brigade accounts: a raid member who also loved content the
    population rates low is adversarial either way, and the coordination is the more specific behaviour."""
    level = cfg.brigade.inverted_coordination_posterior
    if level is None:
        return brigades
    both = trolls["is_troll"] & ~brigades["is_brigade"] & (brigades["coord_posterior"] >= level)
    if not both.any():
        return brigades
    out = brigades.copy()
    out.loc[both, "is_brigade"] = True
    out.loc[both, "brigade_reason"] = (
        "brigade: an inverted rater whose positive reactions were coordinated (posterior "
        "of a coordinated account "
        + out.loc[both, "coord_posterior"].round(3).astype(str)
        + f" >= {level:g})"
    )
    return out


def detect(
    f: pd.DataFrame, pairs: pd.DataFrame, cfg: AdversarialConfig, fits: dict | None = None
) -> pd.DataFrame:
    """All detectors on one feature frame; `kind` is the first that fired of bot, brigade, troll.

    ``fits``: the population models ("coordination", "troll") to score with; missing ones are fitted on
    ``f`` and stored into the dict, so that a second call (the window's last days) reuses the first's."""
    fits = {} if fits is None else fits
    bots = detect_bots(f, cfg)
    if "coordination" not in fits:
        fits["coordination"] = fit_coordination(f, cfg, bots["is_bot"])
    brigades = detect_brigades(f, pairs, cfg, bots["is_bot"], fits["coordination"])
    # accounts another detector explains stay out of the inverted-rater model's fit
    explained = bots["is_bot"] | brigades["is_brigade"]
    if "troll" not in fits:
        fits["troll"] = fit_trolls(f, cfg, explained)
    trolls = detect_trolls(f, cfg, exclude=explained, fit=fits["troll"])
    brigades = _name_coordinated_inverted_raters(brigades, trolls, cfg)
    out = pd.concat([bots, brigades, trolls], axis=1)
    out["flagged"] = out[["is_bot", "is_brigade", "is_troll"]].any(axis=1)
    # the most specific behaviour names the kind: a bot or a brigade account also disagrees with the crowd
    out["kind"] = np.where(
        out["is_bot"],
        "bot",
        np.where(out["is_brigade"], "brigade", np.where(out["is_troll"], "troll", "")),
    )
    reason = pd.Series("", index=out.index, dtype=object)
    for col in ("bot_reason", "brigade_reason", "troll_reason"):
        has = out[col] != ""
        reason[has] = np.where(
            reason[has] == "", out.loc[has, col], reason[has] + "; " + out.loc[has, col]
        )
    out["reason"] = reason
    return out.drop(columns=["bot_reason", "brigade_reason", "troll_reason"])
