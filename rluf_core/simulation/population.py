"""The simulated user population: kinds, activity, habits and private tastes (seeded, day-independent).

Adversary counts are shares of the reacting accounts: with honest reactor share r and adversary
share s (bots + brigades + trolls), n_adv = s * r * n / (1 - s + s * r).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from rluf_core.config.source import SimulatorConfig
from rluf_core.simulation import lexicon as lx
from rluf_core.simulation.love import (
    WEIGHT_COLUMNS,
    WEIGHT_MEAN,
    WEIGHT_SD,
    depth_from_contexts,
    love_matrix,
    panel_love_prob,
)
from rluf_core.simulation.policy import compose_responses
from rluf_core.simulation.rng import hex_ids, rng_for
from rluf_core.simulation.textscore import infer_topics, text_features
from rluf_core.simulation.threats import HONEST_PART, THREAT_KINDS, assign_users, threat_counts

KINDS = ("honest", "bot", "brigade", "troll", *THREAT_KINDS)
TOPIC_MIX = np.array([0.1, 0.1, 0.16, 0.12, 0.1, 0.1, 0.08, 0.08, 0.08, 0.08])
LANG_MIX = np.array([0.7, 0.1, 0.07, 0.07, 0.06])
SURFACE_MIX = np.array([0.35, 0.3, 0.3, 0.05])


@dataclass
class Population:
    users: pd.DataFrame  # the ground-truth `users` table (one row per account)
    topic_cdf: np.ndarray  # n x topics cumulative topic preference
    panel: pd.DataFrame  # honest reactors sampled by activity: the text-level average
    reactor_weight: float  # activity-weighted share of reactors among honest users
    troll_shift: float  # trolls' intercept (calibrated to troll_love_rate)
    raid_targets: list[
        str
    ]  # per group (brigades', then threat groups'): "unsafe", "bait" or a topic

    @property
    def kind(self) -> np.ndarray:
        return self.users["kind"].to_numpy()


def adversary_counts(sim: SimulatorConfig) -> dict[str, int]:
    s = sim.bot_share + sim.brigade_share + sim.troll_share + sim.threats.total_share
    reacting = sim.reactor_share * sim.n_users / (1 - s + s * sim.reactor_share)
    counts = {
        k: int(round(getattr(sim, f"{k}_share") * reacting)) for k in ("bot", "brigade", "troll")
    }
    if sim.threats.enabled:
        counts.update(threat_counts(sim, reacting))
    return counts


def _calibration_texts(sim: SimulatorConfig, n: int = 6000) -> np.ndarray:
    rng = rng_for(sim.seed, None, "calibration")
    tix = rng.choice(len(lx.TOPICS), size=n, p=TOPIC_MIX)
    lix = rng.choice(len(lx.LANGS), size=n, p=LANG_MIX)
    resp = compose_responses(tix, lix, np.zeros(n, bool), sim, rng)
    feats = text_features(resp, topics=[lx.TOPICS[i] for i in tix])
    return love_matrix(feats, tix.astype(np.int16), rng.integers(0, 4, n))


def _bisect(f, lo: float = -15.0, hi: float = 15.0, target: float = 0.0) -> float:
    for _ in range(50):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) < target else (lo, mid)
    return (lo + hi) / 2


def make_population(sim: SimulatorConfig) -> Population:
    return _make_population(sim.model_dump_json())


@lru_cache(maxsize=4)
def _make_population(sim_json: str) -> Population:
    sim = SimulatorConfig.model_validate_json(sim_json)
    rng = rng_for(sim.seed, None, "population")
    n = sim.n_users
    counts = adversary_counts(sim)
    n_adv = sum(counts.values())
    if n_adv >= n:
        raise ValueError(
            f"source.simulator: {n_adv} adversarial accounts leave no honest users (n_users={n})"
        )
    kind = np.array(
        ["honest"] * (n - n_adv)
        + ["bot"] * counts["bot"]
        + ["brigade"] * counts["brigade"]
        + ["troll"] * counts["troll"]
        + [k for k in THREAT_KINDS for _ in range(counts.get(k, 0))],
        dtype=object,
    )
    kind = kind[rng.permutation(n)]
    honest = kind == "honest"

    activity = rng.lognormal(0.0, 0.8, n)
    activity[kind == "bot"] = sim.bot_activity * rng.lognormal(0.0, 0.3, (kind == "bot").sum())
    for k in ("brigade", "troll"):
        activity[kind == k] = getattr(sim, f"{k}_activity") * rng.lognormal(
            0.0, 0.5, (kind == k).sum()
        )
    reactor = np.where(honest, rng.random(n) < sim.reactor_share, True)

    group = np.full(n, -1, dtype=np.int64)
    br = np.flatnonzero(kind == "brigade")
    group[br] = np.arange(len(br)) % sim.brigade_groups
    targets = [sim.brigade_targets[g % len(sim.brigade_targets)] for g in range(sim.brigade_groups)]

    pref = rng.dirichlet(TOPIC_MIX * 6.0, size=n)
    for g, t in enumerate(targets):  # topic brigades talk about their topic
        if t != "unsafe":
            pref[group == g] = np.eye(len(lx.TOPICS))[lx.TOPICS.index(t)]
    topic_cdf = np.cumsum(pref, axis=1)
    topic_cdf[:, -1] = 1.0

    w = WEIGHT_MEAN + WEIGHT_SD * rng.standard_normal((n, len(WEIGHT_MEAN)))
    intercept0 = rng.normal(0.0, 0.8, n)
    peak = np.mod(rng.normal(20.0, 3.0, n), 24.0)
    peak[kind == "bot"] = -1.0  # bots run around the clock
    latency = rng.lognormal(np.log(25.0), 0.6, n)
    latency[kind == "bot"] = sim.bot_latency_s
    latency[kind == "brigade"] = rng.lognormal(np.log(8.0), 0.3, len(br))
    targets = assign_users(sim, kind, activity, latency, group, targets)

    users = pd.DataFrame(
        {
            "user_id": hex_ids(rng, n, "u"),
            "kind": pd.Series(kind, dtype="string"),
            "group_id": pd.array(np.where(group >= 0, group, 0), dtype="Int64"),
            "brigade_target": pd.Series(
                [targets[g] if g >= 0 else None for g in group], dtype="string"
            ),
            "reactor": reactor,
            "activity": activity,
            "lang": pd.Series(
                np.array(lx.LANGS)[rng.choice(len(lx.LANGS), n, p=LANG_MIX)], dtype="string"
            ),
            "surface": pd.Series(
                np.array(lx.SURFACES)[rng.choice(len(lx.SURFACES), n, p=SURFACE_MIX)],
                dtype="string",
            ),
            "peak_hour": peak,
            "latency_median_s": latency,
            "intercept": intercept0,
        }
    )
    users.loc[group < 0, "group_id"] = pd.NA
    for j, c in enumerate(WEIGHT_COLUMNS):
        users[c] = w[:, j]
    for j, t in enumerate(lx.TOPICS):
        users[f"pref_{t}"] = pref[:, j]

    # calibrate the honest intercept shift to the target love rate, and the trolls' rate
    x = _calibration_texts(sim)
    h_idx = np.flatnonzero(honest)
    act = activity[h_idx] / activity[h_idx].sum()
    m = 30000
    pu = rng.choice(h_idx, size=m, p=act)
    px = rng.integers(0, len(x), m)
    zu = intercept0[pu] + np.einsum("ij,ij->i", x[px], w[pu])
    target = sim.love_rate / (
        (1 - sim.toggle_rate * (1 - sim.readd_rate)) * (1 - 0.2 * sim.delayed_share)
    )
    if not reactor[h_idx].any():
        raise ValueError(
            f"source.simulator: none of the {len(h_idx)} honest users reacts (n_users {sim.n_users}, "
            f"reactor_share {sim.reactor_share}): raise n_users or reactor_share"
        )
    rate = lambda c: float(np.mean(reactor[pu] / (1 + np.exp(-(c + zu)))))  # noqa: E731
    shift = _bisect(rate, target=target)
    if abs(rate(shift) - target) > 0.05 * target:
        raise ValueError(
            f"source.simulator.love_rate {sim.love_rate} cannot be reached: it needs {target:.3g} of "
            f"honest users' turns loved before toggles and delays, and reactor_share {sim.reactor_share} "
            f"allows {rate(shift):.3g} at most; lower love_rate or raise reactor_share"
        )
    honest_part = honest | np.isin(kind, HONEST_PART)
    users.loc[honest_part, "intercept"] = intercept0[honest_part] + shift
    tz = -6.0 * x[:, 0] + 1.5 * x[:, 3] + 0.2 * x[:, 2]
    troll_shift = _bisect(
        lambda c: float(np.mean(1 / (1 + np.exp(-(c + tz))))), target=sim.troll_love_rate
    )

    reactor_weight = float(activity[h_idx][reactor[h_idx]].sum() / activity[h_idx].sum())
    r_idx = h_idx[reactor[h_idx]]
    panel_rng = rng_for(sim.seed, None, "panel")
    panel_idx = panel_rng.choice(
        r_idx, size=min(sim.panel_size, len(r_idx)), p=activity[r_idx] / activity[r_idx].sum()
    )
    panel = users.iloc[panel_idx].reset_index(drop=True)
    return Population(
        users=users,
        topic_cdf=topic_cdf,
        panel=panel,
        reactor_weight=reactor_weight,
        troll_shift=troll_shift,
        raid_targets=targets,
    )


@lru_cache(maxsize=1)
def default_population() -> Population:
    return make_population(SimulatorConfig())


def population_love_prob(
    contexts, prompts, responses, topics=None, *, population=None
) -> np.ndarray:
    """Text-level P(love | context, response) of ANY texts for the simulated population.

    population: a `Population` (make_population(cfg.source.simulator)); default: the default config's.
    """
    pop = population or default_population()
    feats = text_features(responses, topics=topics, prompts=prompts, contexts=contexts)
    if topics is None:
        topics = infer_topics(list(prompts), None if contexts is None else list(contexts))
    depth = depth_from_contexts(contexts) if contexts is not None else None
    return panel_love_prob(love_matrix(feats, topics, depth), pop.panel, pop.reactor_weight)
