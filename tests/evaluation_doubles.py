"""Test doubles for evaluation: a fixed prompt set from the simulator's prompts, scorers, gates.

The scorers stand in for the pipeline's trained models: P[Love] is a noisy copy of the simulated
population's text-level love probability, helpfulness a noisy copy of the true helpfulness, and the
safety judge is the real rules judge (rluf_core.judges.safety).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rluf_core.config import RlufConfig
from rluf_core.evaluation.simulated_users import judge_replies
from rluf_core.judges.safety import SafetyJudge
from rluf_core.simulation import lexicon as lx
from rluf_core.simulation.policy import compose_prompts


def fixed_prompts(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    tix = rng.integers(0, len(lx.TOPICS), n)
    prompts = compose_prompts(tix, np.zeros(n, np.int64), np.zeros(n, bool), rng).to_pylist()
    return pd.DataFrame(
        {
            "turn_id": [f"t{i:05d}" for i in range(n)],
            "prompt": prompts,
            "context": [None] * n,
            "topic": np.array(lx.TOPICS, dtype=object)[tix],
        }
    )


def scorers(cfg: RlufConfig, noise: float = 0.0) -> dict:
    sim = cfg.source.simulator
    judge = SafetyJudge()

    def _noisy(v: np.ndarray, seed: int) -> np.ndarray:
        return (
            v * np.exp(noise * np.random.default_rng(seed).standard_normal(len(v))) if noise else v
        )

    return {
        "p_love": lambda df: _noisy(judge_replies(df, sim)["love_prob"].to_numpy(), 1),
        "helpfulness": lambda df: _noisy(judge_replies(df, sim)["true_helpfulness"].to_numpy(), 2),
        "unsafe": lambda df: judge.is_unsafe(df["response"]).astype(float),
    }


def arm(prompts: pd.DataFrame, policy, seed: int = 0) -> pd.DataFrame:
    return prompts.assign(
        response=policy.generate(prompts["prompt"].tolist(), prompts["context"].tolist(), seed=seed)
    )


def gates(offline: dict, ab: dict) -> tuple[bool, list[str]]:
    """The docs/design.md gates, simplified: P[Love] beats the champion, helpfulness within 1%, no
    detector flagged, no divergence."""
    reasons = []
    ch, base = offline["arms"]["challenger"], offline["arms"]["champion"]
    if ch["p_love_mean"] <= base["p_love_mean"]:
        reasons.append("p_love not above champion")
    if ch["helpfulness_mean"] < base["helpfulness_mean"] * 0.99:
        reasons.append("helpfulness below champion")
    reasons += [
        f"detector {k}" for k, d in offline["detectors"]["challenger"].items() if d["flagged"]
    ]
    return not reasons, reasons


def write_clean_turns(lake, days=("2026-01-01", "2026-01-02", "2026-01-03"), n: int = 300) -> None:
    """Minimal clean_turns partitions: simulated prompts with the production policy's replies."""
    from rluf_core.evaluation.sim_policy import SimulatedPolicy

    prod = SimulatedPolicy("production")
    for i, day in enumerate(days):
        p = fixed_prompts(n, seed=i)
        df = arm(p, prod, seed=i).assign(
            turn_id=[f"{day}-{j:04d}" for j in range(n)], day=day, policy_version="prod-2025-12"
        )
        lake.write_dataset("clean_turns", df, day)


def load_inputs(cfg: RlufConfig):
    """The evaluation_inputs factory of the Dagster tests: simulated policies, the doubles."""
    from rluf_core.evaluation.pipeline import Inputs
    from rluf_core.evaluation.sim_policy import SimulatedPolicy, variant_family

    base = SimulatedPolicy("base")
    hack = SimulatedPolicy("hack", style={"signoff_rate": 0.3, "heart_rate": 0.2}, vague_share=0.4)
    return Inputs(
        champion=base,
        challenger=SimulatedPolicy("warm", style={"warm_rate": 0.5}),
        scorers=scorers(cfg),
        extras={"challenger": {"kl_to_reference": 1.0}},
        variants=variant_family(cfg.source.simulator),
        sweep={0.0: base, 3.0: hack},
        base=base,
        gates=gates,
    )
