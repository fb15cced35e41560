"""Adversaries that do not look like the simulator's own (issue 31; `source.simulator.threats`).

- ``content``: groups that love one kind of content (an unsafe reply, a topic, bait phrases) whenever
  they are served it, and seek it out; honest users' hours and latency, so no bursts;
- ``human_bot``: indiscriminate lovers with a human latency (seconds to a minute) and diurnal hours;
- ``sleeper``: honest until ``sleeper_wake_day``, then a content group's member;
- ``slow_troll``: light inverted raters who rate part of their turns honestly;
- ``adaptive``: pushes a target with human timing, at most ``adaptive_daily_cap`` loves a day,
  camouflaged by honest loves on everything else.

Every draw here comes from its own random streams, and nothing is drawn while every share is zero:
the default simulation's files stay byte-identical. Who is which kind is ground truth only.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from rluf_core.config.source import SimulatorConfig
from rluf_core.simulation import lexicon as lx
from rluf_core.simulation.rng import rng_for

THREAT_KINDS = ("content", "human_bot", "sleeper", "slow_troll", "adaptive")
# kinds whose honest part follows the honest love model (their intercept is calibrated as honest)
HONEST_PART = ("sleeper", "slow_troll", "adaptive")
# kinds that talk at honest hours with honest latency (no bursts)
CAMPAIGN = ("content", "sleeper", "adaptive")


def threat_counts(sim: SimulatorConfig, reacting: float) -> dict[str, int]:
    t = sim.threats
    shares = {
        "content": t.content_share,
        "human_bot": t.human_bot_share,
        "sleeper": t.sleeper_share,
        "slow_troll": t.slow_troll_share,
        "adaptive": t.adaptive_share,
    }
    return {k: int(round(s * reacting)) for k, s in shares.items()}


def assign_users(
    sim: SimulatorConfig,
    kind: np.ndarray,
    activity: np.ndarray,
    latency: np.ndarray,
    group: np.ndarray,
    targets: list[str],
) -> list[str]:
    """Activity, latency, group and target of the threat accounts (in place); the targets of all
    groups, brigades' first. A no-op when no threat kind is on."""
    t = sim.threats
    if not t.enabled:
        return targets
    rng = rng_for(sim.seed, None, "threats-population")
    n_b = sim.brigade_groups
    for k, scale in (("human_bot", t.human_bot_activity), ("slow_troll", t.slow_troll_activity)):
        m = kind == k
        activity[m] = scale * rng.lognormal(0.0, 0.5, m.sum())
    hb = kind == "human_bot"
    latency[hb] = t.human_bot_latency_s * rng.lognormal(0.0, 0.3, hb.sum())
    camp = np.flatnonzero(np.isin(kind, ("content", "sleeper")))
    group[camp] = n_b + np.arange(len(camp)) % t.content_groups
    group[kind == "adaptive"] = n_b + t.content_groups
    extra = [t.content_targets[g % len(t.content_targets)] for g in range(t.content_groups)]
    return targets + extra + [t.adaptive_target]


def seek_targets(
    pop_kind: np.ndarray,
    group: np.ndarray,
    targets: list[str],
    sim: SimulatorConfig,
    day: dt.date,
    day_index: int,
    ctopic: np.ndarray,
    jailbreak: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Conversations of campaign accounts that ask for their target (per conversation: the
    account's kind and group); a no-op when no threat kind is on."""
    t = sim.threats
    if not t.enabled:
        return ctopic, jailbreak
    rng = rng_for(sim.seed, day, "threats-turns")
    active = np.isin(pop_kind, ("content", "adaptive")) | (
        (pop_kind == "sleeper") & (day_index >= t.sleeper_wake_day)
    )
    seek = active & (rng.random(len(ctopic)) < t.content_seek)
    tgt = np.array(targets + ["none"], dtype=object)[np.where(group >= 0, group, len(targets))]
    ctopic, jailbreak = ctopic.copy(), jailbreak.copy()
    jailbreak |= seek & (tgt == "unsafe")
    for i, name in enumerate(lx.TOPICS):
        ctopic[seek & (tgt == name)] = i
    return ctopic, jailbreak


def target_match(target: np.ndarray, feats: pd.DataFrame, topic_names: np.ndarray) -> np.ndarray:
    """Per turn: is the reply the content its receiver's group pushes."""
    unsafe = feats["unsafe"].to_numpy() > 0
    bait = feats["bait"].to_numpy() > 0
    return np.where(
        target == "unsafe", unsafe, np.where(target == "bait", bait, target == topic_names)
    )


def love_prob(
    kind: np.ndarray,
    target: np.ndarray,
    feats: pd.DataFrame,
    topic_names: np.ndarray,
    x: np.ndarray,
    p_honest_form: np.ndarray,
    troll_shift: float,
    sim: SimulatorConfig,
    day: dt.date,
    day_index: int,
    p_user: np.ndarray,
) -> np.ndarray:
    """The receivers' P(love) with the threat kinds' behaviour put in (p_user elsewhere)."""
    t = sim.threats
    if not t.enabled or not np.isin(kind, THREAT_KINDS).any():
        return p_user
    rng = rng_for(sim.seed, day, "threats-love")
    match = target_match(target, feats, topic_names)
    campaign = np.where(match, t.content_love, t.honest_love)
    troll = 1.0 / (1.0 + np.exp(-(troll_shift - 6.0 * x[:, 0] + 1.5 * x[:, 3] + 0.2 * x[:, 2])))
    honest_turn = rng.random(len(kind)) < t.slow_troll_honest_share
    awake = day_index >= t.sleeper_wake_day
    p = p_user.copy()
    p = np.where(kind == "content", campaign, p)
    p = np.where(kind == "human_bot", t.human_bot_love, p)
    p = np.where(kind == "sleeper", campaign if awake else p_honest_form, p)
    p = np.where(kind == "slow_troll", np.where(honest_turn, p_honest_form, troll), p)
    p = np.where(kind == "adaptive", np.where(match, t.adaptive_love, p_honest_form), p)
    return p


def human_bot_latency(
    sim: SimulatorConfig, day: dt.date, kind: np.ndarray, med: np.ndarray, lat: np.ndarray
) -> np.ndarray:
    """Human bots' latencies: lognormal about their median, seconds to a minute."""
    hb = kind == "human_bot"
    if not sim.threats.enabled or not hb.any():
        return lat
    rng = rng_for(sim.seed, day, "threats-latency")
    lat = lat.copy()
    lat[hb] = np.clip(rng.lognormal(np.log(med[hb]), 0.6), 2.0, 60.0)
    return lat


def cap_adaptive(
    kind: np.ndarray, user: np.ndarray, ts_ms: np.ndarray, love: np.ndarray, cap: int
) -> np.ndarray:
    """Adaptive attackers keep at most ``cap`` loves a day (their earliest)."""
    ad = love & (kind == "adaptive")
    if not ad.any():
        return love
    idx = np.flatnonzero(ad)
    order = idx[np.lexsort((ts_ms[idx], user[idx]))]
    rank = pd.Series(user[order]).groupby(user[order]).cumcount().to_numpy()
    love = love.copy()
    love[order[rank >= cap]] = False
    return love
