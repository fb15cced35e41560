"""Is there enough labelled data to retrain? Said in one line before any training starts.

Training needs every split of the time split (train, validation, test: the last days), each with
rows,
and both classes (loved and not loved turns) in train. `problem(df, cfg)` returns the one-line
reason a feedback dataset falls short (what it has, what it needs, which config keys change that),
or
None; `labelled_problem(lake, cfg)` answers the same from the labelled days alone (the schedule's
cheap test); `require_sufficient` raises InsufficientData with that line.
"""

from __future__ import annotations

import pandas as pd

from rluf_core.config import RlufConfig
from rluf_core.feedback.builder import time_split
from rluf_core.lake import Lake

SPLITS = ("train", "validation", "test")


class InsufficientData(ValueError):
    """Too little labelled data to retrain; the message is one line for the user."""


def _days_needed(cfg: RlufConfig) -> int:
    s = cfg.adversarial.split
    return 1 + max(s.validation_days, 1) + s.test_days


def _held_note(held: list[str]) -> str:
    return f"; held days left out: {', '.join(held)}" if held else ""


def problem(df: pd.DataFrame, cfg: RlufConfig, held: list[str] | tuple = ()) -> str | None:
    """Why `df` (rows with day, label, split) cannot be trained on, in one line; None when it
    can."""
    s = cfg.adversarial.split
    days = sorted(df["day"].dropna().astype(str).unique()) if len(df) else []
    keys = "adversarial.split.validation_days and adversarial.split.test_days"
    need = _days_needed(cfg)
    split = f"{need - 1 - s.test_days} validation + {s.test_days} test"
    note = _held_note(list(held))
    if len(days) < need:
        return (
            f"too little data to retrain: {len(days)} labelled day(s) "
            f"({', '.join(days) or 'none'}) but the "
            f"time split needs at least {need} (1 train + {split}); land more days, or lower "
            f"{keys}{note}"
        )
    pos = int(df["label"].sum())
    if pos == 0:
        return (
            f"too little data to retrain: none of the {len(df)} labelled turns is positive (a "
            f"'{cfg.labels.positive_reaction}' reaction within labels.window_hours="
            f"{cfg.labels.window_hours:g} of the reply); check that reactions land, or change "
            f"labels.positive_reaction{note}"
        )
    counts = df.groupby("split")["label"].agg(["size", "sum"]) if "split" in df else pd.DataFrame()
    for name in SPLITS:
        if name not in counts.index:
            return (
                f"too little data to retrain: the {name} split is empty ({len(days)} labelled "
                f"days); "
                f"land more days, or lower {keys}{note}"
            )
    n, p = int(counts.loc["train", "size"]), int(counts.loc["train", "sum"])
    if p == 0 or p == n:
        which = "no positive" if p == 0 else "only positive"
        return (
            f"too little data to retrain: the train split has {which} labels ({p} of {n} turns); "
            f"it needs "
            f"both classes: land more days, or lower {keys} so that more days train{note}"
        )
    return None


def require_sufficient(df: pd.DataFrame, cfg: RlufConfig, held: list[str] | tuple = ()) -> None:
    """Raise InsufficientData (one line) when `df` cannot be trained on."""
    line = problem(df, cfg, held)
    if line is not None:
        raise InsufficientData(line)


def labelled_problem(lake: Lake, cfg: RlufConfig, held: list[str] | tuple = ()) -> str | None:
    """`problem` for the labelled days of the lake (held days left out), as the time split would
    cut them."""
    days = [d for d in lake.dataset_days("labeled_turns") if d not in set(held)]
    parts = []
    for d in days:
        lab = lake.read_dataset("labeled_turns", [d], columns=["label", "label_window_complete"])
        if cfg.adversarial.drop_incomplete_windows:
            lab = lab[lab["label_window_complete"].fillna(False).astype(bool)]
        parts.append(
            pd.DataFrame({"day": d, "label": lab["label"].fillna(0).astype(int).to_numpy()})
        )
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"day": [], "label": []})
    if len(df):
        s = cfg.adversarial.split
        df["split"] = time_split(df["day"], s.validation_days, s.test_days)
    return problem(df, cfg, held)
