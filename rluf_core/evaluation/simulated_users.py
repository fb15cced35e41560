"""The simulator's users and judges scoring any reply: for evaluation and reports only.

This is the one place the policy side meets the simulator's truth: true helpfulness, true safety and
the text-level P(love | context, response) of the simulated population. Nothing here may feed a reward,
a feature or a label.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rluf_core.config.source import SimulatorConfig
from rluf_core.simulation import make_population, panel_love_prob, text_features
from rluf_core.simulation.love import depth_from_contexts, love_matrix
from rluf_core.simulation.textscore import infer_topics


def judge_replies(frame: pd.DataFrame, sim: SimulatorConfig) -> pd.DataFrame:
    """Per row of `frame` (prompt, response, optional context and topic): true_helpfulness,
    true_unsafe, love_prob (the population's mean P(love) of that reply), n_words, bait."""
    prompts = frame["prompt"].fillna("").astype(str).tolist()
    contexts = frame["context"].tolist() if "context" in frame.columns else None
    topics = frame["topic"].tolist() if "topic" in frame.columns else None
    if topics is None or any(t is None or (isinstance(t, float) and np.isnan(t)) for t in topics):
        topics = infer_topics(prompts, contexts)
    feats = text_features(frame["response"].fillna("").astype(str).tolist(), topics=topics)
    depth = depth_from_contexts(contexts) if contexts is not None else None
    pop = make_population(sim)
    love = panel_love_prob(love_matrix(feats, topics, depth), pop.panel, pop.reactor_weight)
    return pd.DataFrame(
        {
            "true_helpfulness": feats["helpfulness"].to_numpy(),
            "true_unsafe": feats["unsafe"].to_numpy().astype(bool),
            "love_prob": love,
            "n_words": feats["n_words"].to_numpy(),
            "bait": feats["bait"].to_numpy(),
        },
        index=frame.index,
    )
