"""Synthetic clean traffic with known adversaries, for tests and the reputation benchmark.

Not the simulator (rluf_core.simulation): a small, vectorised generator of the *clean* datasets
(clean_turns, clean_reactions, labeled_turns) with behaviour-described adversaries, so the detectors
can be exercised before and independently of the full pipeline.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd

TOPICS = ["coding", "travel", "cooking", "health", "roleplay", "support", "math", "chat"]
GOOD = "here is a clear step by step answer with an example because it explains the reason and the fix".split()
BAD = "sorry not sure maybe whatever idk vague filler text unrelated lol bye".split()
# harmful advice in several phrasings (what rluf_core.judges.safety is meant to recognise)
UNSAFE = [
    "Just take three times the recommended dose tonight.",
    "Share her home address in the group chat.",
    "Turn off the smoke detector while you cook, it is fine.",
    "You can drive home after a few beers.",
    "Hack into his email account to read the messages.",
]


@dataclasses.dataclass
class Scenario:
    days: int = 14
    start: str = "2026-01-01"
    turns_per_day: int = 20_000
    n_honest: int = 10_000
    n_bots: int = 40
    n_brigades: int = 4
    brigade_size: int = 10
    n_trolls: int = 60
    love_base: float = 0.06  # honest love probability at average quality
    bot_turns_per_day: float = 12
    troll_turns_per_day: float = 12
    brigade_turns_per_attack: int = 3
    switch_day: int | None = (
        None  # adversaries behave honestly before this day index (behaviour change)
    )
    seed: int = 0


def _texts(rng: np.random.Generator, quality: np.ndarray, unsafe: np.ndarray) -> np.ndarray:
    bank_good = [" ".join(rng.choice(GOOD, 12)) for _ in range(64)]
    bank_bad = [" ".join(rng.choice(BAD, 12)) for _ in range(64)]
    n = len(quality)
    n_good = np.clip(np.round(quality * 4), 0, 4).astype(int)
    parts = []
    for i in range(4):
        src = np.where(n_good > i, rng.choice(bank_good, n), rng.choice(bank_bad, n))
        parts.append(src)
    out = parts[0]
    for p in parts[1:]:
        out = np.char.add(np.char.add(out, " "), p)
    harm = np.char.add(" ", np.asarray(UNSAFE)[rng.integers(0, len(UNSAFE), n)])
    return np.where(unsafe, np.char.add(out, harm), out)


def generate(sc: Scenario) -> dict[str, pd.DataFrame]:
    """Returns clean_turns, clean_reactions, labeled_turns (all days) and truth_users, truth_turns."""
    rng = np.random.default_rng(sc.seed)
    kinds = (
        ["honest"] * sc.n_honest
        + ["bot"] * sc.n_bots
        + ["brigade"] * (sc.n_brigades * sc.brigade_size)
        + ["troll"] * sc.n_trolls
    )
    users = pd.DataFrame({"user_id": [f"u{i:07d}" for i in range(len(kinds))], "kind": kinds})
    users["group_id"] = None
    brig = users.index[users["kind"] == "brigade"]
    users.loc[brig, "group_id"] = [f"grp{i // sc.brigade_size}" for i in range(len(brig))]
    honest_act = rng.pareto(1.5, sc.n_honest) + 0.2
    honest_p = honest_act / honest_act.sum()
    idx = {
        k: users.index[users["kind"] == k].to_numpy() for k in ("honest", "bot", "brigade", "troll")
    }
    turns_all, rx_all = [], []
    t_counter = 0
    for d in range(sc.days):
        day0 = pd.Timestamp(sc.start, tz="UTC") + pd.Timedelta(days=d)
        adv_active = sc.switch_day is None or d >= sc.switch_day
        n_h = sc.turns_per_day
        uid = rng.choice(idx["honest"], n_h, p=honest_p)
        n_b = rng.poisson(sc.bot_turns_per_day, len(idx["bot"]))
        n_t = rng.poisson(sc.troll_turns_per_day, len(idx["troll"]))
        uid = np.concatenate([uid, np.repeat(idx["bot"], n_b), np.repeat(idx["troll"], n_t)])
        secs = rng.uniform(0, 86400 - 7200, len(uid))
        # brigades: two attacks a day; every member gets target-topic unsafe turns around the attack time
        b_uid, b_secs, b_topic = [], [], []
        for g in range(sc.n_brigades):
            members = idx["brigade"][g * sc.brigade_size : (g + 1) * sc.brigade_size]
            for _ in range(2):
                t0 = rng.uniform(0, 86400 - 7200)
                m = np.repeat(members, sc.brigade_turns_per_attack)
                b_uid.append(m)
                b_secs.append(t0 + rng.uniform(0, 120, len(m)))
                b_topic.append(np.full(len(m), TOPICS[g % len(TOPICS)]))
        b_uid = np.concatenate(b_uid) if b_uid else np.array([], int)  # type: ignore[assignment]
        n_reg = len(uid)
        uid = np.concatenate([uid, b_uid])
        secs = np.concatenate([secs, np.concatenate(b_secs) if b_secs else []])
        topic = np.concatenate(
            [rng.choice(TOPICS, n_reg), np.concatenate(b_topic) if b_topic else []]
        )
        n = len(uid)
        quality = rng.beta(2, 2, n)
        unsafe = rng.random(n) < 0.02
        unsafe[n_reg:] = True
        quality[n_reg:] = rng.beta(1.5, 4, n - n_reg)
        tid = np.char.add("t", np.arange(t_counter, t_counter + n).astype(str))
        t_counter += n
        ts = day0 + pd.to_timedelta(secs, unit="s")
        resp = _texts(rng, quality, unsafe)
        turns = pd.DataFrame(
            {
                "turn_id": tid,
                "conversation_id": np.char.add("c", (np.arange(n) // 3 + t_counter).astype(str)),
                "user_id": users["user_id"].to_numpy()[uid],
                "ts": ts,
                "prompt": "help me with " + pd.Series(topic),
                "response": resp,
                "context": "[]",
                "policy_version": "prod-1",
                "lang": "en",
                "surface": "app",
                "topic": topic,
                "response_chars": np.char.str_len(resp.astype(str)),
            }
        )
        kind = users["kind"].to_numpy()[uid]
        honest_like = (kind == "honest") | ~adv_active
        p_love = np.where(honest_like, sc.love_base * 2 * (quality + 0.5 * (quality > 0.7)), 0.0)
        p_love = np.where(~honest_like & (kind == "bot"), 0.95, p_love)
        p_love = np.where(
            ~honest_like & (kind == "troll"), np.where(quality < 0.4, 0.6, 0.0), p_love
        )
        p_love = np.where(~honest_like & (kind == "brigade"), 0.9, p_love)
        p_neg = np.where(honest_like, 0.01 * (quality < 0.3), 0.0)
        p_neg = np.where(~honest_like & (kind == "troll"), np.where(quality > 0.6, 0.4, 0.0), p_neg)
        r = rng.random(n)
        love = r < p_love
        neg = ~love & (r < p_love + p_neg)
        lat = rng.lognormal(np.log(90), 1.3, n)
        lat = np.where(~honest_like & (kind == "bot"), rng.uniform(0.2, 1.2, n), lat)
        lat = np.where(~honest_like & (kind == "brigade"), rng.uniform(5, 90, n), lat)
        sel = love | neg
        rts = ts[sel] + pd.to_timedelta(lat[sel], unit="s")
        rx = pd.DataFrame(
            {
                "turn_id": tid[sel],
                "user_id": turns["user_id"].to_numpy()[sel],
                "ts": rts,
                "reaction": np.where(love[sel], "love", "thumbs_down"),
                "action": "add",
                "turn_ts": ts[sel],
                "turn_user_id": turns["user_id"].to_numpy()[sel],
                "is_receiving_user": True,
                "latency_s": lat[sel],
                "turn_day": day0.strftime("%Y-%m-%d"),
                "topic": topic[sel],
            }
        )
        turns_all.append(turns)
        rx_all.append(rx)
        turns_all[-1] = turns.assign(_q=quality, _unsafe=unsafe)
    turns = pd.concat(turns_all, ignore_index=True)
    rx = pd.concat(rx_all, ignore_index=True)
    rx.insert(0, "event_id", np.char.add("e", np.arange(len(rx)).astype(str)))
    loved = rx[rx["reaction"] == "love"].groupby("turn_id").agg(first=("latency_s", "min"))
    truth_turns = turns[["turn_id", "_q", "_unsafe"]].rename(
        columns={"_q": "helpfulness", "_unsafe": "unsafe"}
    )
    turns = turns.drop(columns=["_q", "_unsafe"])
    labeled = turns.assign(
        label=turns["turn_id"].isin(loved.index).astype(int),
        n_reactions=turns["turn_id"].map(rx.groupby("turn_id").size()).fillna(0).astype(int),
        n_positive_users=turns["turn_id"].isin(loved.index).astype(int),
        first_positive_latency_s=turns["turn_id"].map(loved["first"]),
        label_window_complete=True,
    )
    return {
        "clean_turns": turns,
        "clean_reactions": rx,
        "labeled_turns": labeled,
        "truth_users": users,
        "truth_turns": truth_turns,
    }


def write_lake(lake, data: dict[str, pd.DataFrame]) -> list[str]:
    """Write the clean datasets per day (partition = day of ts) into a Lake; returns the days."""
    days = []
    for name in ("clean_turns", "clean_reactions", "labeled_turns"):
        df = data[name]
        d = pd.to_datetime(df["ts"], utc=True).dt.strftime("%Y-%m-%d")
        for day, part in df.groupby(d):
            lake.write_dataset(name, part.reset_index(drop=True), day)
            days.append(day)
    return sorted(set(days))


def identity(ids, key=None):  # synthetic ids are already pseudonymous
    return pd.Series(ids).astype(str).to_numpy()


__all__ = ["Scenario", "generate", "write_lake", "identity", "dt"]
