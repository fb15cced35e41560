"""A small landing zone of a user's own (no simulator): a few days of turns and reactions, a
config for
it, and the bad file of issue 34 (a reactions file that is not Parquet at all)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from rluf_core.lake import Lake
from tests.landing_fixtures import make_turns, reaction, reactions_frame, write_bytes, write_landing

START = "2026-03-01"
NOT_PARQUET = b"turn_id,reaction\nt1,love\nthis is a CSV export, not Parquet\n"


def days(n: int) -> list[str]:
    d0 = dt.date.fromisoformat(START)
    return [(d0 + dt.timedelta(days=i)).isoformat() for i in range(n)]


def write_config(tmp_path: Path, **extra) -> Path:
    cfg = {
        "storage": {"home": str(tmp_path / "home")},
        "source": {"kind": "landing", "start_date": START},
        "adversarial": {"split": {"validation_days": 1, "test_days": 1}},
        "reward_model": {"backbone": "tiny", "max_length": 32, "epochs": 1, "bootstrap": 20},
    }
    for section, values in extra.items():
        cfg.setdefault(section, {}).update(values)
    path = tmp_path / "cfg.yaml"
    path.write_text(yaml.safe_dump(cfg))
    return path


def land_day(lake: Lake, day: str, n: int = 120, seed: int = 0) -> None:
    """`n` turns and a love (or a thumbs up) to about a third of them, a minute after the reply."""
    turns = make_turns(day, n, seed=seed, n_users=30)
    write_landing(lake, "turns", day, turns)
    rng = np.random.default_rng(seed)
    rows = [
        reaction(
            f"e{day}_{i}", turns.iloc[i], reaction="love" if rng.random() < 0.5 else "thumbs_up"
        )
        for i in range(n)
        if rng.random() < 0.35
    ]
    write_landing(lake, "reactions", day, reactions_frame(rows))


def land(lake: Lake, n_days: int, n: int = 120) -> list[str]:
    out = days(n_days)
    for i, d in enumerate(out):
        land_day(lake, d, n, seed=i)
    return out


def add_not_parquet(lake: Lake, day: str) -> str:
    """The bad file: a reactions 'Parquet' file that holds CSV text."""
    return write_bytes(lake, f"{lake.landing_dir('reactions', day)}/export-2.parquet", NOT_PARQUET)


def datasets_without_root(lake: Lake, name: str, day: str) -> pd.DataFrame:
    """A day's dataset with file paths made relative to the lake (to compare two lakes)."""
    df = lake.read_dataset(name, [day])
    for col in ("_file", "file"):
        if col in df.columns:
            df[col] = df[col].astype(str).str.replace(lake.root, "<lake>", regex=False)
    return df
