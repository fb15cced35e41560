"""Small simulated turns and tiny policy settings for the policy tests (seconds on a CPU)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from rluf_core.config import parse_config
from rluf_core.simulation.population import make_population
from rluf_core.simulation.traffic import generate_turns

TINY_POLICY = {
    "tiny": {"vocab_size": 400, "n_layer": 1, "n_embd": 32, "n_head": 2, "max_positions": 160},
    "sft": {"max_pairs": 256, "batch_size": 32, "epochs": 1, "learning_rate": 0.003},
    "grpo": {
        "prompts_per_step": 4,
        "num_generations": 2,
        "max_completion_tokens": 24,
        "checkpoint_every": 2,
        "log_every": 1,
    },
    "steps": 4,
    "learning_rate": 0.001,
}


def small_config(**policy):
    return parse_config(
        {
            "source": {"simulator": {"n_users": 500, "turns_per_day": 300}},
            "policy": {**TINY_POLICY, **policy},
        }
    )


def turns(n: int = 300, seed: int = 0) -> pd.DataFrame:
    cfg = small_config()
    pop = make_population(cfg.source.simulator)
    t = generate_turns(pop, cfg.source.simulator, dt.date(2026, 1, 1), 0)
    return t.head(n)[["turn_id", "prompt", "response", "context", "topic"]].reset_index(drop=True)


class LengthScorer:
    """A stand-in P[Love]/helpfulness: longer replies score higher (a scorer is anything with score())."""

    def __init__(self, scale: float = 0.01):
        self.scale, self.calls = scale, 0

    def score(self, contexts, prompts, responses) -> np.ndarray:
        self.calls += 1
        return np.array([min(1.0, self.scale * len(r.split())) for r in responses], dtype=float)
