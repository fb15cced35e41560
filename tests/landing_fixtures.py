"""Small landing-zone files in the docs/design.md format, for ingest/quality/cleaning tests (no simulator)."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd

from rluf_core.lake import Lake


def make_turns(
    day: str, n: int = 50, seed: int = 0, n_users: int = 20, prefix: str | None = None
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    start = pd.Timestamp(day, tz="UTC")
    secs = np.sort(rng.integers(0, 86_400, n))
    prefix = prefix or f"t{day.replace('-', '')}"
    return pd.DataFrame(
        {
            "turn_id": [f"{prefix}_{i}" for i in range(n)],
            "conversation_id": [f"c{i // 3}" for i in range(n)],
            "user_id": [f"user{int(u)}" for u in rng.integers(0, n_users, n)],
            "ts": start + pd.to_timedelta(secs, unit="s"),
            "prompt": [f"question {i}?" for i in range(n)],
            "response": ["answer " * int(k) for k in rng.integers(1, 20, n)],
            "context": ["[]"] * n,
            "policy_version": ["prod-v1"] * n,
            "lang": ["en"] * n,
            "surface": ["web"] * n,
            "topic": [["code", "cooking", "travel"][i % 3] for i in range(n)],
        }
    )


def reaction(
    event_id: str,
    turn: pd.Series,
    user_id: str | None = None,
    delay_s: float = 60.0,
    reaction: str = "love",
    action: str = "add",
) -> dict:
    return {
        "event_id": event_id,
        "turn_id": turn["turn_id"],
        "user_id": user_id or turn["user_id"],
        "ts": pd.Timestamp(turn["ts"]) + pd.Timedelta(seconds=delay_s),
        "reaction": reaction,
        "action": action,
    }


def reactions_frame(rows: list[dict]) -> pd.DataFrame:
    cols = ["event_id", "turn_id", "user_id", "ts", "reaction", "action"]
    df = pd.DataFrame(rows, columns=cols)
    df["ts"] = pd.to_datetime(df["ts"], utc=True)
    return df


def write_landing(
    lake: Lake, kind: str, day: str, df: pd.DataFrame, fmt: str = "parquet", name: str = "part-0"
) -> str:
    path = f"{lake.landing_dir(kind, day)}/{name}.{fmt}"
    lake.fs.makedirs(lake.landing_dir(kind, day), exist_ok=True)
    if fmt == "parquet":
        with lake.fs.open(path, "wb") as f:
            df.to_parquet(f, index=False)
    else:
        lines = []
        for rec in df.to_dict(orient="records"):
            rec = {
                k: (v.isoformat() if isinstance(v, (pd.Timestamp, dt.datetime)) else v)
                for k, v in rec.items()
            }
            lines.append(json.dumps(rec))
        write_bytes(lake, path, ("\n".join(lines) + "\n").encode())
    return path


def write_bytes(lake: Lake, path: str, data: bytes) -> str:
    lake.fs.makedirs(path.rsplit("/", 1)[0], exist_ok=True)
    with lake.fs.open(path, "wb") as f:
        f.write(data)
    return path
