"""Annotator ratings: a small `ratings` landing dataset, as RLHF labelling produces.

A sample of each day's turns is scored for helpfulness on a 1..5 scale by a pool of annotators, each
with their own bias and noise around the turn's true helpfulness. The ratings are a label source like
any a team would buy (the helpfulness model learns from them); the true helpfulness stays ground truth.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

from rluf_core.config.source import SimulatorConfig
from rluf_core.simulation.rng import hex_ids, rng_for

RATINGS_SCHEMA = pa.schema(
    [
        ("rating_id", pa.string()),
        ("turn_id", pa.string()),
        ("annotator_id", pa.string()),
        ("ts", pa.timestamp("ms", tz="UTC")),
        ("helpfulness", pa.int64()),
    ]
)
SCALE_MAX = 5


def annotators(sim: SimulatorConfig) -> pd.DataFrame:
    rng = rng_for(sim.seed, None, "annotators")
    n = sim.rating_annotators
    return pd.DataFrame(
        {
            "annotator_id": hex_ids(rng, n, "a"),
            "bias": rng.normal(0.0, 0.35, n),
            "noise": rng.uniform(0.5, 1.5, n) * sim.rating_noise,
        }
    )


def generate_ratings(turns: pd.DataFrame, sim: SimulatorConfig, day: dt.date) -> pa.Table:
    """Ratings of a `sim.rating_rate` sample of `day`'s turns (internal frame with helpfulness, ts_ms)."""
    rng = rng_for(sim.seed, day, "ratings")
    rows = np.flatnonzero(rng.random(len(turns)) < sim.rating_rate)
    ann = annotators(sim)
    who = rng.integers(0, len(ann), len(rows))
    truth = turns["helpfulness"].to_numpy()[rows]
    score = (
        1
        + (SCALE_MAX - 1) * truth
        + ann["bias"].to_numpy()[who]
        + ann["noise"].to_numpy()[who] * rng.standard_normal(len(rows))
    )
    ts = turns["ts_ms"].to_numpy()[rows] + rng.integers(3_600_000, 20 * 3_600_000, len(rows))
    order = np.argsort(ts, kind="stable")
    return pa.table(
        {
            "rating_id": pa.array(hex_ids(rng, len(rows), "r"), pa.string()).take(order),
            "turn_id": pa.array(turns["turn_id"].to_numpy()[rows].astype(str), pa.string()).take(
                order
            ),
            "annotator_id": pa.array(
                ann["annotator_id"].to_numpy()[who].astype(str), pa.string()
            ).take(order),
            "ts": pa.array(ts.astype(np.int64), pa.int64())
            .cast(RATINGS_SCHEMA.field("ts").type)
            .take(order),
            "helpfulness": pa.array(np.clip(np.rint(score), 1, SCALE_MAX).astype(np.int64)).take(
                order
            ),
        },
        schema=RATINGS_SCHEMA,
    )
