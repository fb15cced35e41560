"""Reaction events for one day's turns: what users did, when, and when the client delivered it.

Receivers love their own turns with their P(love) (honest taste, or adversarial behaviour), after a
latency (bots: about a second; brigades: seconds, inside raids; people: tens of seconds, sometimes
hours later). Some loves are removed and re-added (toggles), some taps are undone within seconds,
receivers add other reactions, other members of group chats react too, a few events name turns
that do not exist, clients retry (same event_id, same content) and some events arrive a day late.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from rluf_core.config.source import SimulatorConfig
from rluf_core.simulation.population import Population
from rluf_core.simulation.rng import hex_ids, rng_for
from rluf_core.simulation.threats import cap_adaptive, human_bot_latency

OTHER_REACTIONS = np.array(
    ["like", "thumbs_up", "haha", "wow", "sad", "thumbs_down", "angry", "care"], dtype=object
)
MAX_OFFSET_MS = (
    47 * 3600 * 1000
)  # events later than this are never sent (so all land within 2 days)
DAY_MS = 86400 * 1000


def _human_latency(
    rng: np.random.Generator, median_s: np.ndarray, delayed_share: float
) -> np.ndarray:
    lat = rng.lognormal(np.log(median_s), 1.0)
    late = rng.random(len(lat)) < delayed_share
    lat[late] = rng.uniform(3600.0, 30 * 3600.0, late.sum())
    return lat


def _frame(
    turn_rows: np.ndarray, user_idx: np.ndarray, ts_ms: np.ndarray, reaction, action, cause: str
) -> pd.DataFrame:
    n = len(turn_rows)
    return pd.DataFrame(
        {
            "turn_row": turn_rows.astype(np.int64),
            "user_idx": user_idx.astype(np.int64),
            "ts_ms": ts_ms.astype(np.int64),
            "reaction": np.broadcast_to(np.asarray(reaction, dtype=object), n),
            "action": np.broadcast_to(np.asarray(action, dtype=object), n),
            "cause": cause,
        }
    )


def _other_weights(turns: pd.DataFrame, troll: np.ndarray) -> np.ndarray:
    h = turns["helpfulness"].to_numpy()
    topic = turns["topic"].to_numpy()
    unsafe = turns["unsafe"].to_numpy()
    good, bad = h > 0.6, h < 0.3
    good, bad = np.where(troll, bad, good), np.where(troll, good, bad)
    fun = np.isin(topic, ["casual", "roleplay"])
    rel = topic == "relationships"
    w = np.stack(
        [
            np.ones(len(h)),
            np.where(good, 3.0, 0.5),
            np.where(fun, 2.0, 0.3),
            np.where(topic == "facts", 0.8, 0.2),
            np.where(rel, 0.8, 0.1),
            np.where(bad, 3.0, 0.2),
            np.where(unsafe, 4.0, 0.05),
            np.where(rel, 1.0, 0.1),
        ],
        axis=1,
    )
    return np.cumsum(w / w.sum(axis=1, keepdims=True), axis=1)


def generate_reactions(
    turns: pd.DataFrame, pop: Population, sim: SimulatorConfig, day: dt.date, day_index: int
) -> pd.DataFrame:
    """All events caused by `day`'s turns (plus the day's events naming unknown turns), one row per
    event (retries counted in n_copies), with arrival_offset = landing day minus `day`."""
    rng = rng_for(sim.seed, day, "reactions")
    n = len(turns)
    users = pop.users
    u = turns["user_idx"].to_numpy()
    kind = turns["user_kind"].to_numpy()
    t0 = turns["ts_ms"].to_numpy()
    med = users["latency_median_s"].to_numpy()[u]
    reactor = users["reactor"].to_numpy()[u]
    rows = np.arange(n)
    frames = []

    # 1. the receiver's love, by kind of account
    love = rng.random(n) < turns["p_love_user"].to_numpy()
    lat = _human_latency(rng, med, sim.delayed_share)
    lat = human_bot_latency(sim, day, kind, med, lat)
    shifted = sim.bot_shift_day is not None and day_index >= sim.bot_shift_day
    bot = kind == "bot"
    bot_med, bot_sd = (sim.bot_shift_latency_s, 0.8) if shifted else (sim.bot_latency_s, 0.35)
    lat[bot] = rng.lognormal(np.log(bot_med), bot_sd, bot.sum())
    br = kind == "brigade"
    lat[br] = rng.lognormal(np.log(med[br]), 0.4)
    add_ts = t0 + np.round(np.maximum(lat, 0.3) * 1000).astype(np.int64)
    love = cap_adaptive(kind, u, add_ts, love, sim.threats.adaptive_daily_cap)
    frames.append(_frame(rows[love], u[love], add_ts[love], "love", "add", "love"))
    tog = love & ~bot & ~br & (rng.random(n) < sim.toggle_rate)
    rem_ts = add_ts + np.round(
        np.clip(rng.lognormal(np.log(600.0), 1.5, n), 1.0, 86400.0) * 1000
    ).astype(np.int64)
    frames.append(_frame(rows[tog], u[tog], rem_ts[tog], "love", "remove", "toggle"))
    readd = tog & (rng.random(n) < sim.readd_rate)
    re_ts = rem_ts + np.round(
        np.clip(rng.lognormal(np.log(300.0), 1.2, n), 1.0, 86400.0) * 1000
    ).astype(np.int64)
    frames.append(_frame(rows[readd], u[readd], re_ts[readd], "love", "add", "toggle"))

    # 2. accidental taps undone within seconds (never on a turn that got a real love)
    acc = ~love & (kind == "honest") & reactor & (rng.random(n) < sim.accidental_tap_rate)
    a_ts = t0 + np.round(rng.lognormal(np.log(20.0), 0.8, n) * 1000).astype(np.int64)
    frames.append(_frame(rows[acc], u[acc], a_ts[acc], "love", "add", "accidental"))
    frames.append(
        _frame(
            rows[acc],
            u[acc],
            a_ts[acc] + rng.integers(1000, 5000, n)[acc],
            "love",
            "remove",
            "accidental",
        )
    )

    # 3. other reactions of the receiver (trolls invert thumbs)
    troll = (kind == "troll") | (kind == "slow_troll")
    rate = np.where(troll, 2 * sim.other_reaction_rate, sim.other_reaction_rate)
    oth = (reactor & ~bot & ~br) & (rng.random(n) < rate)
    cdf = _other_weights(turns, troll)
    choice = (cdf < rng.random(n)[:, None]).sum(axis=1).clip(0, len(OTHER_REACTIONS) - 1)
    o_ts = t0 + np.round(_human_latency(rng, med, sim.delayed_share) * 1000).astype(np.int64)
    frames.append(
        _frame(rows[oth], u[oth], o_ts[oth], OTHER_REACTIONS[choice[oth]], "add", "other")
    )

    # 4. other members of group chats react to the turn (kept, never labels it)
    gc = np.flatnonzero(turns["group_chat"].to_numpy())
    if len(gc):
        honest_idx = np.flatnonzero(pop.kind == "honest")
        act = users["activity"].to_numpy()[honest_idx]
        conv = turns["conv_idx"].to_numpy()[gc]
        uniq, inv = np.unique(conv, return_inverse=True)
        for m in range(3):
            member = honest_idx[rng.choice(len(honest_idx), len(uniq), p=act / act.sum())][inv]
            keep = (member != u[gc]) & (rng.random(len(gc)) < 0.07)
            r = np.where(
                rng.random(len(gc)) < 0.6, "love", OTHER_REACTIONS[rng.integers(0, 3, len(gc))]
            )
            g_ts = (
                t0[gc]
                + np.round(rng.lognormal(np.log(30.0), 1.0, len(gc)) * 1000).astype(np.int64)
                + m
            )
            frames.append(
                _frame(gc[keep], member[keep], g_ts[keep], r[keep], "add", "group_member")
            )

    ev = pd.concat(frames, ignore_index=True)
    # one event sequence per (turn, user, reaction): a member drawn twice for a group chat reacts once
    ev = ev[~(ev["cause"].eq("group_member") & ev.duplicated(["turn_row", "user_idx", "reaction"]))]
    ev = ev[ev["ts_ms"].to_numpy() <= t0[ev["turn_row"].to_numpy()] + MAX_OFFSET_MS].reset_index(
        drop=True
    )
    ev["turn_id"] = turns["turn_id"].to_numpy()[ev["turn_row"].to_numpy()]
    ev["turn_ts_ms"] = t0[ev["turn_row"].to_numpy()]
    ev["unknown_turn"] = False

    # 5. events naming turns that do not exist (stale clients, other apps)
    n_unk = int(rng.binomial(len(ev), sim.unknown_turn_rate))
    if n_unk:
        start = t0.min() - t0.min() % DAY_MS
        unk = pd.DataFrame(
            {
                "turn_row": -1,
                "user_idx": rng.choice(
                    len(users), n_unk, p=users["activity"] / users["activity"].sum()
                ),
                "ts_ms": start + rng.integers(0, DAY_MS, n_unk),
                "reaction": np.where(rng.random(n_unk) < 0.7, "love", "like"),
                "action": "add",
                "cause": "unknown_turn",
                "turn_id": hex_ids(rng, n_unk, "t"),
                "turn_ts_ms": -1,
                "unknown_turn": True,
            }
        )
        ev = pd.concat([ev, unk], ignore_index=True)

    day0 = int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)
    ts_day = (ev["ts_ms"].to_numpy() - day0) // DAY_MS
    late = (rng.random(len(ev)) < sim.late_rate) & (ts_day < 2)
    ev["arrival_offset"] = (ts_day + late).astype(np.int64)
    ev["late"] = late
    ev["n_copies"] = 1 + (rng.random(len(ev)) < sim.retry_rate) * (1 + (rng.random(len(ev)) < 0.2))
    ev["event_id"] = hex_ids(rng, len(ev), "e")
    ev["user_id"] = users["user_id"].to_numpy()[ev["user_idx"].to_numpy()]
    ev["actor_kind"] = pop.kind[ev["user_idx"].to_numpy()]
    recv = turns["user_idx"].to_numpy()
    tr = ev["turn_row"].to_numpy()
    ev["is_receiver"] = (tr >= 0) & (recv[np.maximum(tr, 0)] == ev["user_idx"].to_numpy())
    return ev.sort_values(["ts_ms", "event_id"], kind="stable").reset_index(drop=True)
