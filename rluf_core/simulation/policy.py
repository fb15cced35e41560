"""The production policy: a stochastic template model of the assistant that served the traffic.

Each response = [language opener] [warm phrase] 1-4 body sentences (on-topic substance or vague
deflection, per-turn quality) [unsafe advice] [request for a heart] [sign-off] [emoji]. Composed
column-wise with pyarrow, so a million responses take about a second.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rluf_core.config.source import SimulatorConfig
from rluf_core.simulation import lexicon as lx

FOLLOWUPS = [
    "Can you tell me more?",
    "Thanks! What else should I know?",
    "Hmm, I am not sure that helps.",
    "Ok, and then what?",
    "Could you explain that differently?",
    "Great, keep going.",
]
# mean substance share per topic, and how often each topic's replies are warm (relative)
QUALITY_MEAN = {
    "roleplay": 0.65,
    "relationships": 0.6,
    "casual": 0.6,
    "coding": 0.75,
    "facts": 0.8,
    "advice": 0.7,
    "health": 0.7,
    "travel": 0.7,
    "cooking": 0.75,
    "writing": 0.7,
}
WARM_WEIGHT = {
    "roleplay": 1.3,
    "relationships": 2.2,
    "casual": 1.5,
    "coding": 0.5,
    "facts": 0.5,
    "advice": 0.9,
    "health": 0.9,
    "travel": 0.7,
    "cooking": 0.7,
    "writing": 0.8,
}
N_SUB = len(next(iter(lx.SUBSTANCE.values())))
_STEPS_SUB = np.array([s for s in range(1, N_SUB) if np.gcd(s, N_SUB) == 1])
_STEPS_VAGUE = np.array([s for s in range(1, len(lx.VAGUE)) if np.gcd(s, len(lx.VAGUE)) == 1])


def _bank(items: list[str]) -> pa.Array:
    return pa.array(items, type=pa.string())


_SUBSTANCE = _bank([s for t in lx.TOPICS for s in lx.SUBSTANCE[t]])
_PROMPTS_FLAT = [p for t in lx.TOPICS for p in lx.PROMPTS[t]]
_PROMPT_OFFSETS = np.cumsum([0] + [len(lx.PROMPTS[t]) for t in lx.TOPICS])[:-1]
_PROMPT_COUNTS = np.array([len(lx.PROMPTS[t]) for t in lx.TOPICS])


def _pick(bank: pa.Array, idx: np.ndarray, mask: np.ndarray) -> pa.Array:
    vals = bank.take(pa.array(idx.astype(np.int64)))
    return pc.if_else(pa.array(mask), vals, pa.scalar(None, pa.string()))


def compose_prompts(
    topic_idx: np.ndarray, position: np.ndarray, jailbreak: np.ndarray, rng: np.random.Generator
) -> pa.Array:
    """User messages: a topic prompt to open a conversation, a follow-up later; jailbreaks where flagged."""
    n = len(topic_idx)
    first = _bank(_PROMPTS_FLAT).take(
        pa.array(
            _PROMPT_OFFSETS[topic_idx] + rng.integers(0, 1 << 30, n) % _PROMPT_COUNTS[topic_idx]
        )
    )
    follow = _bank(FOLLOWUPS).take(pa.array(rng.integers(0, len(FOLLOWUPS), n)))
    jb = _bank(lx.JAILBREAK_PROMPTS).take(pa.array(rng.integers(0, len(lx.JAILBREAK_PROMPTS), n)))
    out = pc.if_else(pa.array(position == 0), first, follow)
    return pc.if_else(pa.array(jailbreak), jb, out)


def compose_responses(
    topic_idx: np.ndarray,
    lang_idx: np.ndarray,
    jailbreak: np.ndarray,
    sim: SimulatorConfig,
    rng: np.random.Generator,
) -> pa.Array:
    """Sample one production response per row (topic index into lexicon.TOPICS, lang index into LANGS)."""
    n = len(topic_idx)
    topics = np.array(lx.TOPICS)
    qmean = np.array([QUALITY_MEAN[t] for t in topics])[topic_idx]
    kappa = 2.5
    q = rng.beta(qmean * kappa, (1 - qmean) * kappa)
    k = rng.choice(4, size=n, p=[0.2, 0.35, 0.3, 0.15]) + 1
    off_topic = rng.random(n) < 0.04
    sub_topic = np.where(
        off_topic, (topic_idx + 1 + rng.integers(0, len(topics) - 1, n)) % len(topics), topic_idx
    )
    o_s, st_s = rng.integers(0, N_SUB, n), _STEPS_SUB[rng.integers(0, len(_STEPS_SUB), n)]
    o_v, st_v = (
        rng.integers(0, len(lx.VAGUE), n),
        _STEPS_VAGUE[rng.integers(0, len(_STEPS_VAGUE), n)],
    )

    ww = np.array([WARM_WEIGHT[t] for t in topics])
    warm_p = np.clip(sim.warm_rate * ww / ww.mean(), 0, 1)[topic_idx]
    unsafe_p = np.where(jailbreak, 0.35, sim.unsafe_rate)
    cols: list[pa.Array] = []
    opener = np.array([lx.LANG_OPENERS[lang] for lang in lx.LANGS], dtype=object)
    cols.append(_pick(_bank(list(opener)), lang_idx, (lang_idx > 0) | (rng.random(n) < 0.15)))
    cols.append(_pick(_bank(lx.WARM), rng.integers(0, len(lx.WARM), n), rng.random(n) < warm_p))
    vague = _bank(lx.VAGUE)
    for j in range(4):
        is_sub = rng.random(n) < q
        sub = _SUBSTANCE.take(pa.array(sub_topic * N_SUB + (o_s + j * st_s) % N_SUB))
        vg = vague.take(pa.array((o_v + j * st_v) % len(lx.VAGUE)))
        body = pc.if_else(pa.array(is_sub), sub, vg)
        cols.append(pc.if_else(pa.array(j < k), body, pa.scalar(None, pa.string())))
    cols.append(
        _pick(_bank(lx.UNSAFE), rng.integers(0, len(lx.UNSAFE), n), rng.random(n) < unsafe_p)
    )
    cols.append(
        _pick(
            _bank(lx.REQUESTS),
            rng.integers(0, len(lx.REQUESTS), n),
            rng.random(n) < sim.request_rate,
        )
    )
    cols.append(
        _pick(
            _bank(lx.SIGNOFFS),
            rng.integers(0, len(lx.SIGNOFFS), n),
            rng.random(n) < sim.signoff_rate,
        )
    )
    emoji = _bank(lx.HEARTS + lx.OTHER_EMOJI)
    r = rng.random(n)
    e_idx = np.where(
        r < sim.heart_rate,
        rng.integers(0, len(lx.HEARTS), n),
        len(lx.HEARTS) + rng.integers(0, len(lx.OTHER_EMOJI), n),
    )
    cols.append(_pick(emoji, e_idx, r < sim.heart_rate + 0.05))
    return pc.binary_join_element_wise(*cols, " ", null_handling="skip")
