"""Prompt sets for training and evaluating the policy, split by time from clean_turns.

The last `heldout_days` labelled days are never used to train the policy (SFT or RL); evaluation draws
its fixed prompt set from them, so every number a report quotes is on prompts the policy never saw.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from rluf_core.lake import Lake

PROMPT_COLUMNS = ["turn_id", "day", "prompt", "context", "topic", "response", "policy_version"]


def split_days(days: Sequence[str], heldout_days: int) -> tuple[list[str], list[str]]:
    """(train days, held-out days): the last `heldout_days` days are held out."""
    days = sorted(days)
    if len(days) <= heldout_days:
        raise ValueError(
            f"policy prompts: {len(days)} days of clean_turns ({', '.join(days) or 'none'}); "
            f"holding out {heldout_days} needs at least {heldout_days + 1} (policy.heldout_days)"
        )
    return days[:-heldout_days], days[-heldout_days:]


def read_turns(lake: Lake, days: Sequence[str]) -> pd.DataFrame:
    """clean_turns of `days` with the columns a prompt set needs (context/topic may be empty)."""
    frames = [lake.read_dataset("clean_turns", [day]).assign(day=str(day)) for day in days]
    df = pd.concat([f for f in frames if len(f)], ignore_index=True) if frames else pd.DataFrame()
    if df.empty:
        raise ValueError(
            f"{lake.dataset_path('clean_turns')}: no clean turns for days {list(days)}"
        )
    for col in ("context", "topic", "policy_version"):
        if col not in df.columns:
            df[col] = None
    return df[PROMPT_COLUMNS]


def sample_prompts(df: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """A seeded sample of n rows (all rows if fewer), in a stable order."""
    df = df.sort_values("turn_id", kind="stable").reset_index(drop=True)
    if len(df) > n:
        df = df.sample(n=n, random_state=seed).sort_values("turn_id", kind="stable")
    return df.reset_index(drop=True)
