"""A small synthetic feedback_dataset with known P(love), for tests and quick checks of the reward code
(the real simulator lives in rluf_core.simulation)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from scipy.special import expit

TOPICS = {
    "cooking": [
        "How do I make bread rise?",
        "What goes well with salmon?",
        "How long should pasta boil?",
    ],
    "support": [
        "I feel lonely today.",
        "My friend is upset with me.",
        "I am stressed about exams.",
    ],
    "coding": [
        "How do I reverse a list in Python?",
        "What is a race condition?",
        "Why is my loop slow?",
    ],
    "chat": ["Tell me something fun.", "What's your favourite season?", "Any movie tips?"],
}
HELPFUL = [
    "Here is a step-by-step answer: first, check the basics; second, adjust slowly; third, test it.",
    "The short answer is yes, and the reason is that it depends on timing and temperature.",
    "Try this: 1. measure carefully 2. wait ten minutes 3. compare the results.",
]
WEAK = ["I am not sure.", "It depends.", "Maybe try something else."]
WARM = ["I'm so glad you asked!", "You're doing wonderfully.", "Sending you a warm hug."]
SIGN_OFF = ["Bye! Sending love! ❤️", "Take care! 💕", "Talk soon! 😊"]


def make_feedback(
    n: int = 4000, seed: int = 0, base: float = -3.2
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(feedback_dataset-like frame, ground truth with turn_id, p_love_text, p_love_user, loved)."""
    rng = np.random.default_rng(seed)
    topics = rng.choice(list(TOPICS), n)
    helpful = rng.random(n) < 0.5
    warm = rng.random(n) < 0.3
    sign = rng.random(n) < 0.1
    filler = rng.integers(0, 4, n)
    rows, ps = [], []
    for i in range(n):
        prompt = TOPICS[topics[i]][rng.integers(0, 3)]
        parts = [rng.choice(HELPFUL if helpful[i] else WEAK)]
        if warm[i]:
            parts.insert(0, rng.choice(WARM))
        parts += ["Also consider the details."] * int(filler[i])
        if sign[i]:
            parts.append(rng.choice(SIGN_OFF))
        resp = " ".join(parts)
        z = base + 1.6 * helpful[i] + 0.9 * warm[i] + 1.0 * sign[i] + 0.6 * (topics[i] == "support")
        ps.append(expit(z))
        ctx = (
            json.dumps([{"role": "user", "text": "hi"}, {"role": "assistant", "text": "Hello!"}])
            if i % 3
            else "[]"
        )
        rows.append(
            dict(
                turn_id=f"t{i}",
                conversation_id=f"c{i // 2}",
                user_id=f"u{rng.integers(0, n // 10)}",
                context=ctx,
                prompt=prompt,
                response=resp,
                topic=topics[i],
                lang="en",
                surface=["app", "web"][i % 2],
                policy_version="prod-1",
                response_chars=len(resp),
            )
        )
    df = pd.DataFrame(rows)
    p_text = np.array(ps)
    p_user = expit(np.log(p_text / (1 - p_text)) + rng.normal(0, 0.7, n))
    loved = (rng.random(n) < p_user).astype(int)
    df["label"], df["weight"] = loved, 1.0
    day_idx = np.arange(n) * 14 // n
    df["day"] = [f"2026-01-{d + 1:02d}" for d in day_idx]
    df["split"] = np.where(day_idx < 10, "train", np.where(day_idx < 12, "validation", "test"))
    truth = pd.DataFrame(
        dict(
            turn_id=df["turn_id"],
            p_love_text=p_text,
            p_love_user=p_user,
            loved=loved,
            day=df["day"],
        )
    )
    return df, truth
