"""The simulated users' love model: P(love | user, text) from features of the text.

Honest user u loves a response with probability  reactor_u * sigmoid(intercept_u + x . w_u),
where x = love_matrix(features, topics, depth) holds helpfulness, warmth, bait (sign-offs, hearts,
requests), unsafe, length, conversation depth and the topic. Tastes w_u differ per user. Warmth and
bait raise love somewhat, while they lower helpfulness (textscore): the reward hack of the paper.

Adversaries do not follow it: bots love almost everything, brigades love their target content,
trolls love low quality (see `adversary_love_prob`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rluf_core.simulation import lexicon as lx
from rluf_core.simulation.textscore import topic_index

BASE_FEATURES = ["help", "warm", "bait", "unsafe", "len", "depth"]
LOVE_FEATURES = BASE_FEATURES + [f"topic_{t}" for t in lx.TOPICS]
WEIGHT_COLUMNS = [f"w_{f}" for f in LOVE_FEATURES]

# Population means and spreads of the taste weights (per feature of LOVE_FEATURES). Users slightly
# prefer concise replies at equal substance (w_len < 0), which keeps P(love) nearly length-neutral.
TOPIC_BASE = {
    "roleplay": 0.55,
    "relationships": 0.55,
    "casual": 0.35,
    "coding": -0.35,
    "facts": -0.35,
    "advice": 0.0,
    "health": -0.1,
    "travel": 0.0,
    "cooking": 0.05,
    "writing": 0.3,
}
WEIGHT_MEAN = np.array([5.5, 0.45, 0.5, -1.5, -0.2, 0.4] + [TOPIC_BASE[t] for t in lx.TOPICS])
WEIGHT_SD = np.array([1.5, 0.3, 0.3, 0.7, 0.15, 0.3] + [0.35] * len(lx.TOPICS))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def depth_from_contexts(contexts) -> np.ndarray:
    """Earlier user turns in the context JSON (cheap count of user roles; missing context: 0)."""
    s = pd.Series(list(contexts) if contexts is not None else [], dtype=object).fillna("")
    return s.str.count('"role": "user"').to_numpy(dtype=np.int32)


def love_matrix(features: pd.DataFrame, topics, depth=None) -> np.ndarray:
    """The love model's design matrix (n x len(LOVE_FEATURES)), float32."""
    n = len(features)
    x = np.zeros((n, len(LOVE_FEATURES)), dtype=np.float32)
    x[:, 0] = features["helpfulness"].to_numpy() - 0.5
    x[:, 1] = np.minimum(features["warm"].to_numpy(), 2)
    x[:, 2] = np.minimum(features["bait"].to_numpy(), 3)
    x[:, 3] = features["unsafe"].to_numpy()
    x[:, 4] = (np.log(np.maximum(features["n_words"].to_numpy(), 1)) - np.log(40.0)) / 0.5
    d = np.zeros(n) if depth is None else np.asarray(depth, dtype=np.float64)
    x[:, 5] = np.minimum(d, 4) / 4.0
    tix = (
        topic_index(list(topics))
        if not isinstance(topics, np.ndarray) or topics.dtype.kind in "OU"
        else topics
    )
    ok = tix >= 0
    x[np.flatnonzero(ok), len(BASE_FEATURES) + tix[ok].astype(np.int64)] = 1.0
    return x


def love_prob(user_params: pd.DataFrame, features) -> np.ndarray:
    """Honest users' P(love) for row-aligned (user, text) pairs.

    user_params: rows of the ground-truth `users` table (intercept, reactor, w_* columns), one per
    text; features: a love_matrix array, or a text_features frame with `topic` and `depth` columns.
    """
    x = (
        features
        if isinstance(features, np.ndarray)
        else love_matrix(features, features["topic"], features.get("depth"))
    )
    w = user_params[WEIGHT_COLUMNS].to_numpy(dtype=np.float32)
    z = user_params["intercept"].to_numpy(dtype=np.float32) + np.einsum("ij,ij->i", x, w)
    return user_params["reactor"].to_numpy(dtype=np.float64) * _sigmoid(z.astype(np.float64))


def panel_love_prob(
    x: np.ndarray, panel: pd.DataFrame, reactor_weight: float, chunk: int = 65536
) -> np.ndarray:
    """Mean P(love) over a panel of honest reactors (activity-weighted sample), times the
    activity-weighted share of reactors: the text-level P(love | context, response)."""
    w = panel[WEIGHT_COLUMNS].to_numpy(dtype=np.float32).T  # F x K
    b = panel["intercept"].to_numpy(dtype=np.float32)
    out = np.empty(len(x), dtype=np.float64)
    for s in range(0, len(x), chunk):
        z = x[s : s + chunk] @ w + b
        out[s : s + chunk] = (1.0 / (1.0 + np.exp(-z))).mean(axis=1)
    return out * reactor_weight


def adversary_love_prob(
    kind: np.ndarray,
    x: np.ndarray,
    *,
    bot_rate: np.ndarray | float,
    troll_shift: float,
    brigade_match: np.ndarray,
    in_raid: np.ndarray,
) -> np.ndarray:
    """P(love) of adversarial receivers (0 where kind is honest): bots love nearly everything,
    brigades love their target content (mostly inside raids), trolls invert quality."""
    p = np.zeros(len(kind))
    bot = kind == "bot"
    p[bot] = np.broadcast_to(bot_rate, len(kind))[bot]
    tr = kind == "troll"
    z = troll_shift - 6.0 * x[tr, 0] + 1.5 * x[tr, 3] + 0.2 * x[tr, 2]
    p[tr] = _sigmoid(z)
    br = kind == "brigade"
    p[br] = np.where(brigade_match[br], np.where(in_raid[br], 0.92, 0.5), 0.01)
    return p
