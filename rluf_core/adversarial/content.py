"""What an account loves, not when: content and love-rate detectors (issue 31).

Per day, ``user_content_daily`` counts each account's own served replies and its standing loves on
them by content kind: ``all``, ``topic:<topic>``, ``safety:unsafe`` (the rule-based safety judge)
and ``phrase:bait`` (the evaluation's bait lexicon: sign-offs, hearts, requests for reactions).
Over the window:

- a content campaign: the account loves one kind far more than its other replies (log odds
  ratio, its baseline shrunk toward the population's), beyond the population's own preference
  for that kind, and at a high rate; no timing is read, so a group spread over the day is seen;
- an indiscriminate lover: it loves most of the replies it is served, whatever they are (a bot,
  whatever its latency).

Everything here is computed from the lake's own data; thresholds come from ``adversarial.content``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from rluf_core.adversarial.daily_stats import standing_adds
from rluf_core.config import RlufConfig
from rluf_core.config.adversarial import AdversarialConfig
from rluf_core.config.evaluation import BaitLexicon
from rluf_core.judges.safety import SafetyJudge

CONTENT_DATASET = "user_content_daily"
CONTENT_COLUMNS = ["day", "user_id", "kind", "served", "loved"]
OUT_COLUMNS = ["content_bot", "content_campaign", "content_score", "content_kind", "love_rate_lb"]


def bait_pattern(lex: BaitLexicon) -> re.Pattern:
    """One case-insensitive pattern of the lexicon: whole words for terms that start and end with
    a letter or digit, anywhere for the others (emoji)."""
    terms = [*lex.signoffs, *lex.hearts, *lex.requests]
    parts = [
        rf"\b{re.escape(t)}\b" if t[:1].isalnum() and t[-1:].isalnum() else re.escape(t)
        for t in sorted(terms, key=len, reverse=True)
        if t
    ]
    return re.compile("|".join(parts) or r"(?!x)x", re.IGNORECASE)


def turn_kinds(turns: pd.DataFrame, cfg: RlufConfig) -> pd.DataFrame:
    """(turn_id, user_id, kind) for each content kind a turn's reply belongs to."""
    t = turns[["turn_id", "user_id", "response"]].copy()
    topic = turns["topic"] if "topic" in turns.columns else pd.Series(None, index=turns.index)
    resp = t["response"].fillna("").astype(str)
    frames = [t.assign(kind="all")]
    has_topic = topic.notna()
    frames.append(t[has_topic].assign(kind="topic:" + topic[has_topic].astype(str)))
    if len(t):
        frames.append(t[SafetyJudge().is_unsafe(resp)].assign(kind="safety:unsafe"))
        bait = resp.str.contains(bait_pattern(cfg.evaluation.bait_lexicon)).to_numpy()
        frames.append(t[bait].assign(kind="phrase:bait"))
    return pd.concat(frames, ignore_index=True)[["turn_id", "user_id", "kind"]]


def content_daily(
    day: str, turns: pd.DataFrame, reactions: pd.DataFrame, cfg: RlufConfig
) -> pd.DataFrame:
    """One day's served replies and standing own loves per account and content kind."""
    t = turns.drop_duplicates("turn_id")
    kinds = turn_kinds(t, cfg)
    ts_day = pd.to_datetime(t["ts"], utc=True).dt.strftime("%Y-%m-%d")
    today = set(t.loc[ts_day.to_numpy() == day, "turn_id"])
    served = kinds[kinds["turn_id"].isin(today)].groupby(["user_id", "kind"]).size()
    own = reactions["is_receiving_user"].fillna(False).astype(bool)
    rx = reactions[own & (reactions["reaction"] == cfg.labels.positive_reaction)]
    if len(rx):
        rx = rx[standing_adds(rx).to_numpy(dtype=bool)]
    loved_turns = rx[["turn_id", "user_id"]].drop_duplicates()
    loved = loved_turns.merge(kinds, on=["turn_id", "user_id"]).groupby(["user_id", "kind"]).size()
    out = pd.concat([served.rename("served"), loved.rename("loved")], axis=1).fillna(0)
    out = out.astype("int64").reset_index()
    out.insert(0, "day", day)
    return out[CONTENT_COLUMNS].sort_values(["user_id", "kind"], ignore_index=True)


def _wilson_lower(k: np.ndarray, n: np.ndarray, z: float) -> np.ndarray:
    n = np.maximum(n, 1)
    p = k / n
    c = p + z * z / (2 * n)
    r = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (c - r) / (1 + z * z / n)


def detect_content(content: pd.DataFrame, cfg: AdversarialConfig) -> pd.DataFrame:
    """Per account (index user_id): content_bot, content_campaign, their score, kind and reason."""
    c = cfg.content
    if content.empty:
        return pd.DataFrame(columns=[*OUT_COLUMNS, "content_reason"]).rename_axis("user_id")
    w = content.groupby(["user_id", "kind"])[["served", "loved"]].sum().reset_index()
    w["served"] = np.maximum(w["served"], w["loved"])
    tot = w[w["kind"] == "all"].set_index("user_id")
    users = pd.Index(w["user_id"].unique(), name="user_id")
    S = tot["served"].reindex(users).fillna(0).to_numpy(dtype=float)
    L = tot["loved"].reindex(users).fillna(0).to_numpy(dtype=float)
    L = np.minimum(L, S)
    lb = _wilson_lower(L, S, c.bot_z)
    bot = (S >= c.bot_min_served) & (lb >= c.bot_min_rate)

    k = w[w["kind"].str.split(":").str[0].isin(c.kinds)].copy()
    pos = users.get_indexer(k["user_id"])
    s_c = k["served"].to_numpy(dtype=float)
    l_c = np.minimum(k["loved"].to_numpy(dtype=float), s_c)
    s_o = np.maximum(S[pos] - s_c, 0.0)
    l_o = np.clip(L[pos] - l_c, 0.0, s_o)
    # the population's love rate on each kind and on the rest, and its own preference for the kind
    pop = k.groupby("kind")[["served", "loved"]].sum()
    ps, pl = pop["served"].reindex(k["kind"]).to_numpy(float), pop["loved"].reindex(k["kind"])
    pl = pl.to_numpy(float)
    TS, TL = float(S.sum()), float(L.sum())
    p_c = (pl + 0.5) / (ps + 1.0)
    p_o = (TL - pl + 0.5) / (TS - ps + 1.0)
    lor_pop = np.log(p_c / (1 - p_c)) - np.log(p_o / (1 - p_o))
    a, b = l_c + 0.5, s_c - l_c + 0.5
    cc = l_o + c.prior_turns * p_o + 0.5
    d = s_o - l_o + c.prior_turns * (1 - p_o) + 0.5
    lor = np.log(a * d / (b * cc))
    se = np.sqrt(1 / a + 1 / b + 1 / cc + 1 / d)
    excess = lor - lor_pop - c.z * se
    rate = l_c / np.maximum(s_c, 1)
    ok = (l_c >= c.min_loves) & (rate >= c.min_rate) & (s_o >= c.min_other)
    k = k.assign(
        excess=np.where(ok, excess, -np.inf), rate=rate, flag=ok & (excess >= c.min_excess_lor)
    )
    best = k.sort_values("excess", ascending=False, kind="stable").drop_duplicates("user_id")
    best = best.set_index("user_id").reindex(users)
    campaign = best["flag"].fillna(False).to_numpy(dtype=bool) & ~bot
    out = pd.DataFrame(
        {
            "content_bot": bot,
            "content_campaign": campaign,
            "content_score": np.where(np.isfinite(best["excess"]), best["excess"], 0.0),
            "content_kind": best["kind"].where(campaign, ""),
            "love_rate_lb": lb,
        },
        index=users,
    )
    reason = pd.Series("", index=users, dtype=object)
    if bot.any():
        reason[bot] = (
            "bot: loved "
            + pd.Series(L[bot], index=users[bot]).astype(int).astype(str)
            + " of "
            + pd.Series(S[bot], index=users[bot]).astype(int).astype(str)
            + f" own replies whatever their content (lower bound >= {c.bot_min_rate:g})"
        )
    if campaign.any():
        x = best[campaign]
        reason[campaign] = (
            "brigade: loved "
            + (x["rate"] * 100).round(0).astype(int).astype(str)
            + "% of own replies of "
            + x["kind"].astype(str)
            + f", far above its other replies (excess log odds >= {c.min_excess_lor:g})"
        )
    out["content_reason"] = reason
    return out


def apply_content(out: pd.DataFrame, content: pd.DataFrame, cfg: AdversarialConfig) -> pd.DataFrame:
    """The detectors' frame (one row per user) with the content detectors' flags put in."""
    det = detect_content(content, cfg).reindex(out["user_id"])
    # only accounts no other detector flagged: a burst brigade or an inverted rater keeps its kind
    named = out[["is_bot", "is_brigade", "is_troll"]].to_numpy(bool).any(axis=1)
    bot = det["content_bot"].fillna(False).to_numpy(dtype=bool) & ~named
    camp = det["content_campaign"].fillna(False).to_numpy(dtype=bool) & ~named & ~bot
    out = out.copy()
    out["content_score"] = det["content_score"].fillna(0.0).to_numpy()
    out["love_rate_lb"] = det["love_rate_lb"].fillna(0.0).to_numpy()
    new = bot | camp
    out.loc[bot, "is_bot"] = True
    out.loc[camp, "is_brigade"] = True
    reason = det["content_reason"].fillna("").to_numpy()
    out.loc[new, "reason"] = np.where(
        out.loc[new, "reason"] == "", reason[new], out.loc[new, "reason"] + "; " + reason[new]
    )
    out["flagged"] = out[["is_bot", "is_brigade", "is_troll"]].any(axis=1)
    out["kind"] = np.where(
        out["is_bot"],
        "bot",
        np.where(out["is_brigade"], "brigade", np.where(out["is_troll"], "troll", "")),
    )
    return out
