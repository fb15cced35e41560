"""One day of served turns: who talks when, about what, in which conversations, and what was said.

Turns are allocated to users by activity, grouped into conversations (geometric length, at most
MAX_TURNS), placed at the user's habitual hours (bots around the clock, brigades inside their
group's raid windows), then prompts, responses, contexts, text features and love probabilities.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from rluf_core.config.source import SimulatorConfig
from rluf_core.simulation import lexicon as lx
from rluf_core.simulation.love import (
    WEIGHT_COLUMNS,
    adversary_love_prob,
    love_matrix,
    panel_love_prob,
)
from rluf_core.simulation.policy import compose_prompts, compose_responses
from rluf_core.simulation.population import Population
from rluf_core.simulation.rng import hex_ids, rng_for
from rluf_core.simulation.textscore import text_features
from rluf_core.simulation.threats import love_prob as threat_love_prob
from rluf_core.simulation.threats import seek_targets

MAX_TURNS = 6
DAY_S = 86400.0


def day_start_ms(day: dt.date) -> int:
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp() * 1000)


def raid_windows(sim: SimulatorConfig, day: dt.date) -> np.ndarray:
    """Start second of each brigade group's raid windows on `day` (groups x windows)."""
    rng = rng_for(sim.seed, day, "raids")
    span = DAY_S - sim.brigade_window_minutes * 60 - 900
    return np.sort(rng.uniform(0, span, (sim.brigade_groups, sim.brigade_windows_per_day)), axis=1)


def _conversations(
    u: np.ndarray, mean_len: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    n = len(u)
    new = np.ones(n, bool)
    new[1:] = (u[1:] != u[:-1]) | (rng.random(n - 1) < 1.0 / mean_len)
    for _ in range(2):  # split conversations longer than MAX_TURNS
        conv = np.cumsum(new) - 1
        starts = np.flatnonzero(new)
        pos = np.arange(n) - starts[conv]
        new |= (pos > 0) & (pos % MAX_TURNS == 0)
    conv = np.cumsum(new) - 1
    pos = np.arange(n) - np.flatnonzero(new)[conv]
    return conv, pos


def _contexts(
    prompts: pa.Array, responses: pa.Array, conv: np.ndarray, pos: np.ndarray
) -> np.ndarray:
    """JSON list of earlier {role, text} messages of the conversation (phrases hold no quotes)."""
    pair = pc.binary_join_element_wise(
        '{"role": "user", "text": "',
        prompts,
        '"}, {"role": "assistant", "text": "',
        responses,
        '"}',
        "",
    )
    pair = np.asarray(pair.to_numpy(zero_copy_only=False), dtype=object)
    body = np.full(len(pos), "", dtype=object)
    for p in range(1, int(pos.max()) + 1 if len(pos) else 0):
        rows = np.flatnonzero(pos == p)
        prev = body[rows - 1]
        sep = np.where(pos[rows - 1] > 0, ", ", "")
        body[rows] = prev + sep + pair[rows - 1]
    return "[" + body + "]"


def generate_turns(
    pop: Population, sim: SimulatorConfig, day: dt.date, day_index: int
) -> pd.DataFrame:
    """The day's turns in conversation order, with landing columns and ground-truth columns."""
    rng = rng_for(sim.seed, day, "turns")
    users = pop.users
    kind = pop.kind
    n_users, n = len(users), sim.turns_per_day
    act = users["activity"].to_numpy()
    u = np.sort(rng.choice(n_users, size=n, p=act / act.sum()))
    conv, pos = _conversations(u, sim.mean_conversation_turns, rng)
    n_conv = int(conv[-1]) + 1
    cu = u[pos == 0]
    ckind = kind[cu]

    r = rng.random(n_conv)
    ctopic = (pop.topic_cdf[cu] < r[:, None]).sum(axis=1).clip(0, len(lx.TOPICS) - 1)
    peak = users["peak_hour"].to_numpy()[cu]
    start = np.mod(peak + rng.normal(0, 3.5, n_conv), 24.0) * 3600.0
    start = np.where(peak < 0, rng.uniform(0, DAY_S, n_conv), start)
    in_raid = np.zeros(n_conv, bool)
    group = users["group_id"].fillna(-1).to_numpy(dtype=np.int64)[cu]
    brig = (ckind == "brigade") & (rng.random(n_conv) < sim.brigade_raid_share)
    if brig.any():
        win = raid_windows(sim, day)
        w = win[group[brig], rng.integers(0, win.shape[1], brig.sum())]
        start[brig] = w + rng.uniform(0, sim.brigade_window_minutes * 60, brig.sum())
        in_raid[brig] = True
    start = np.clip(start, 0, DAY_S - 120 * MAX_TURNS)
    target = np.array(pop.raid_targets + ["none"], dtype=object)[
        np.where(group >= 0, group, len(pop.raid_targets))
    ]
    jailbreak_c = (in_raid & (target == "unsafe")) | (
        (ckind == "honest") & (rng.random(n_conv) < 0.003)
    )
    ctopic, jailbreak_c = seek_targets(
        ckind, group, pop.raid_targets, sim, day, day_index, ctopic, jailbreak_c
    )
    main_surface = users["surface"].to_numpy()[cu]
    surface = np.where(
        rng.random(n_conv) < 0.85,
        main_surface,
        np.array(lx.SURFACES, dtype=object)[rng.integers(0, len(lx.SURFACES), n_conv)],
    )
    group_chat = (ckind == "honest") & (rng.random(n_conv) < sim.group_chat_share)

    gap = np.where(pos > 0, np.minimum(rng.lognormal(np.log(50.0), 0.5, n), 110.0), 0.0)
    csum = np.cumsum(gap)
    offset = csum - csum[np.flatnonzero(pos == 0)][conv]
    ts_ms = day_start_ms(day) + np.round((start[conv] + offset) * 1000.0).astype(np.int64)

    topic = ctopic[conv]
    lang_idx = pd.Categorical(users["lang"].to_numpy()[u], categories=lx.LANGS).codes.astype(
        np.int64
    )
    jb = jailbreak_c[conv]
    prompts = compose_prompts(topic, pos, jb, rng)
    responses = compose_responses(topic, lang_idx, jb, sim, rng)
    topic_names = np.array(lx.TOPICS, dtype=object)[topic]
    feats = text_features(responses, topics=topic_names)
    x = love_matrix(feats, topic.astype(np.int16), pos)

    tk = kind[u]
    p_text = panel_love_prob(x, pop.panel, pop.reactor_weight)
    w = users[WEIGHT_COLUMNS].to_numpy(dtype=np.float32)[u]
    z = users["intercept"].to_numpy(dtype=np.float32)[u] + np.einsum("ij,ij->i", x, w)
    p_user = users["reactor"].to_numpy(dtype=np.float64)[u] / (1.0 + np.exp(-z.astype(np.float64)))
    shifted = sim.bot_shift_day is not None and day_index >= sim.bot_shift_day
    tgt = target[conv]
    match = np.where(tgt == "unsafe", feats["unsafe"].to_numpy(), tgt == topic_names)
    adv = adversary_love_prob(
        tk,
        x,
        bot_rate=sim.bot_shift_love_rate if shifted else sim.bot_love_rate,
        troll_shift=pop.troll_shift,
        brigade_match=match,
        in_raid=in_raid[conv],
    )
    p_form = p_user
    p_user = np.where(tk == "honest", p_user, adv)
    p_user = threat_love_prob(
        tk, tgt, feats, topic_names, x, p_form, pop.troll_shift, sim, day, day_index, p_user
    )

    conv_ids = hex_ids(rng, n_conv, "c")
    df = pd.DataFrame(
        {
            "turn_id": hex_ids(rng, n, "t"),
            "conversation_id": conv_ids[conv],
            "user_id": users["user_id"].to_numpy()[u],
            "ts_ms": ts_ms,
            "prompt": prompts.to_numpy(zero_copy_only=False),
            "response": responses.to_numpy(zero_copy_only=False),
            "context": _contexts(prompts, responses, conv, pos),
            "policy_version": sim.policy_version,
            "lang": np.array(lx.LANGS, dtype=object)[lang_idx],
            "surface": surface[conv],
            "topic": topic_names,
            # ground truth and internals
            "user_idx": u,
            "user_kind": tk,
            "position": pos,
            "conv_idx": conv,
            "group_chat": group_chat[conv],
            "in_raid": in_raid[conv],
            "jailbreak": jb,
            "p_love_user": p_user,
            "p_love_text": p_text,
        }
    )
    for c in ("helpfulness", "unsafe", "warm", "bait", "n_words", "on_topic", "vague"):
        df[c] = feats[c].to_numpy()
    return df
