"""The simulator's production policy as a `Policy`: a baseline arm, a double of a trained one.

`SimulatedPolicy` writes replies with the simulator's template model (compose_responses) under its
own style settings (more sign-offs, hearts, warmth or requests than production; vaguer bodies), so a
family of them stands in for checkpoints along training or a sweep over the P[Love] weight: a
policy that learned bait, one that learned substance, one that got worse. Evaluation only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from rluf_core.config.source import SimulatorConfig
from rluf_core.simulation import lexicon as lx
from rluf_core.simulation.policy import compose_responses
from rluf_core.simulation.rng import rng_for
from rluf_core.simulation.textscore import infer_topics, topic_index

STYLE_KEYS = ("warm_rate", "signoff_rate", "heart_rate", "request_rate", "unsafe_rate")
_JAILBREAKS = set(lx.JAILBREAK_PROMPTS)


@dataclass
class SimulatedPolicy:
    """The production policy of `sim`, with `style` overriding its rates (STYLE_KEYS) and a
    `vague_share` of replies opening with a vague, deflecting sentence (less helpful)."""

    name: str
    sim: SimulatorConfig = field(default_factory=SimulatorConfig)
    style: dict[str, float] = field(default_factory=dict)
    vague_share: float = 0.0

    def __post_init__(self) -> None:
        unknown = set(self.style) - set(STYLE_KEYS)
        if unknown:
            raise ValueError(
                f"SimulatedPolicy {self.name}: unknown style keys {sorted(unknown)}; "
                f"known: {list(STYLE_KEYS)}"
            )
        self._sim = self.sim.model_copy(update=self.style)

    def generate(
        self, prompts: Sequence[str], contexts: Sequence[str | None], *, seed: int = 0
    ) -> list[str]:
        """One reply per prompt; the topic is read from the prompt (and context) as users would."""
        n = len(prompts)
        if len(contexts) != n:
            raise ValueError(f"{self.name}: {n} prompts but {len(contexts)} contexts")
        if n == 0:
            return []
        rng = rng_for(
            seed, None, "evaluation:simulated_policy"
        )  # shared: variants differ by style only
        topics = infer_topics(list(prompts), list(contexts))
        tix = topic_index(topics).astype(np.int64)
        jb = np.fromiter((p in _JAILBREAKS for p in prompts), bool, count=n)
        out = compose_responses(tix, np.zeros(n, np.int64), jb, self._sim, rng)
        if self.vague_share > 0:
            vague = pa.array(lx.VAGUE, pa.string()).take(
                pa.array(rng.integers(0, len(lx.VAGUE), n))
            )
            joined = pc.binary_join_element_wise(vague, out, " ")
            out = pc.if_else(pa.array(rng.random(n) < self.vague_share), joined, out)
        return out.to_pylist()


def variant_family(sim: SimulatorConfig | None = None) -> list[SimulatedPolicy]:
    """Eleven policies from less to more bait, and from vaguer to production substance: the
    correlation's variants when no trained checkpoints are at hand (and the tests' doubles)."""
    sim = sim or SimulatorConfig()
    out = [SimulatedPolicy("production", sim)]
    for k in (0.5, 1.0, 2.0, 3.0):
        out.append(
            SimulatedPolicy(f"warm_x{k:g}", sim, {"warm_rate": min(1.0, sim.warm_rate * (1 + k))})
        )
        out.append(
            SimulatedPolicy(
                f"bait_x{k:g}",
                sim,
                {
                    "signoff_rate": min(1.0, sim.signoff_rate * (1 + 4 * k)),
                    "heart_rate": min(1.0, sim.heart_rate * (1 + 2 * k)),
                },
            )
        )
    out.append(SimulatedPolicy("vague_30", sim, vague_share=0.3))
    out.append(SimulatedPolicy("vague_70", sim, vague_share=0.7))
    return out
