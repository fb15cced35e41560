"""The simulator's users online: fresh traffic for the A/B test, and their reactions to any replies.

`draw_traffic` picks the test's users from the simulator's population (honest and adversarial, as
in traffic), gives each user turns in proportion to activity, a topic from the user's own
preferences and a fresh opening prompt from the simulator's prompt model (brigades that target
unsafe content send jailbreaks inside raids). `react` scores replies with the simulator's own love
model (love_prob for honest users, adversary_love_prob for adversaries) and draws each love with
the traffic's own uniform numbers, so two policies on the same traffic differ only by their words.
The simulator's truth lives here for evaluation only: never a reward, a feature or a label.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from rluf_core.config import RlufConfig
from rluf_core.config.source import SimulatorConfig
from rluf_core.simulation import lexicon as lx
from rluf_core.simulation.love import adversary_love_prob, love_matrix, love_prob
from rluf_core.simulation.policy import compose_prompts
from rluf_core.simulation.population import Population, make_population
from rluf_core.simulation.rng import rng_for
from rluf_core.simulation.textscore import text_features

HONEST_JAILBREAK_RATE = 0.003  # as in simulation.traffic


@dataclass
class Traffic:
    """One simulated test period: per turn the receiving user (index into the population), the
    user's kind, topic index, prompt, jailbreak and raid flags, and a uniform number for the
    love."""

    users: np.ndarray  # the distinct users of the test (population indices), sorted
    user: np.ndarray  # per turn
    kind: np.ndarray
    topic: np.ndarray
    prompts: list[str]
    jailbreak: np.ndarray
    in_raid: np.ndarray
    uniform: np.ndarray

    def __len__(self) -> int:
        return len(self.user)

    @property
    def topic_names(self) -> np.ndarray:
        return np.array(lx.TOPICS, dtype=object)[self.topic]


def simulator_config(cfg: RlufConfig, what: str) -> SimulatorConfig:
    """cfg.source.simulator, or one clear line when traffic is not simulated."""
    if cfg.source.kind != "simulator":
        raise ValueError(
            f"{what}: source.kind is {cfg.source.kind!r}; the simulated users exist only "
            "when source.kind is 'simulator'"
        )
    return cfg.source.simulator


def draw_traffic(
    cfg: RlufConfig, n_users: int | None = None, days: int | None = None, seed: int | None = None
) -> Traffic:
    """Turns of `n_users` users (default evaluation.ab_users, at most the population) over `days`
    (default evaluation.ab_days), at the simulator's turns per user-day, weighted by activity."""
    sim = simulator_config(cfg, "online evaluation")
    pop = make_population(sim)
    n_users = min(n_users or cfg.evaluation.ab_users, len(pop.users))
    days = days or cfg.evaluation.ab_days
    rng = rng_for(cfg.seed if seed is None else seed, None, "evaluation:traffic")
    users = np.sort(rng.choice(len(pop.users), size=n_users, replace=False))
    n_turns = max(1, int(round(n_users * days * sim.turns_per_day / sim.n_users)))
    act = pop.users["activity"].to_numpy()[users]
    user = users[rng.choice(n_users, size=n_turns, p=act / act.sum())]
    kind = pop.kind[user]
    topic = (pop.topic_cdf[user] < rng.random(n_turns)[:, None]).sum(axis=1)
    topic = topic.clip(0, len(lx.TOPICS) - 1).astype(np.int64)
    in_raid = (kind == "brigade") & (rng.random(n_turns) < sim.brigade_raid_share)
    target = _targets(pop, user)
    jailbreak = (in_raid & (target == "unsafe")) | (
        (kind == "honest") & (rng.random(n_turns) < HONEST_JAILBREAK_RATE)
    )
    prompts = compose_prompts(topic, np.zeros(n_turns, np.int64), jailbreak, rng).to_pylist()
    return Traffic(
        users=users,
        user=user,
        kind=kind,
        topic=topic,
        prompts=prompts,
        jailbreak=jailbreak,
        in_raid=in_raid,
        uniform=rng.random(n_turns),
    )


def _targets(pop: Population, user: np.ndarray) -> np.ndarray:
    """Each turn's brigade target ("unsafe" or a topic), "none" for everyone else."""
    t = pop.users["brigade_target"].to_numpy(dtype=object, na_value=None)[user]
    return np.where(pd.isna(t), "none", t).astype(object)


def react(
    traffic: Traffic, rows: np.ndarray, replies: Sequence[str], sim: SimulatorConfig
) -> pd.DataFrame:
    """The receiving users' reactions to `replies` (one per row of `traffic` in `rows`): p_love,
    loved (a draw with the traffic's uniforms), true_helpfulness, true_unsafe."""
    if len(replies) != len(rows):
        raise ValueError(f"react: {len(replies)} replies for {len(rows)} turns")
    pop = make_population(sim)
    u, kind, topic = traffic.user[rows], traffic.kind[rows], traffic.topic[rows]
    names = np.array(lx.TOPICS, dtype=object)[topic]
    feats = text_features(list(replies), topics=names)
    x = love_matrix(feats, topic.astype(np.int16), np.zeros(len(rows)))
    p = np.zeros(len(rows))
    honest = kind == "honest"
    if honest.any():
        p[honest] = love_prob(pop.users.iloc[u[honest]], x[honest])
    target = _targets(pop, u)
    match = np.where(target == "unsafe", feats["unsafe"].to_numpy(), target == names)
    adv = adversary_love_prob(
        kind,
        x,
        bot_rate=sim.bot_love_rate,
        troll_shift=pop.troll_shift,
        brigade_match=match,
        in_raid=traffic.in_raid[rows],
    )
    p = np.where(honest, p, adv)
    return pd.DataFrame(
        {
            "p_love": p,
            "loved": traffic.uniform[rows] < p,
            "true_helpfulness": feats["helpfulness"].to_numpy(),
            "true_unsafe": feats["unsafe"].to_numpy().astype(bool),
        }
    )
