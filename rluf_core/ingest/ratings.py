"""The `ratings` landing dataset: annotators' helpfulness scores of served turns.

<lake>/landing/ratings/date=YYYY-MM-DD/*.parquet|*.jsonl with rating_id, turn_id, annotator_id, ts and
helpfulness (an integer 1..scale_max). Small and read whole by the helpfulness model; a missing column,
a score off the scale or an unreadable file is an error naming the file and row.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from rluf_core.lake import Lake

RATING_COLUMNS = ("rating_id", "turn_id", "annotator_id", "ts", "helpfulness")


class RatingsError(ValueError):
    """The ratings landing data cannot be used (said in one line)."""


def _read_file(lake: Lake, path: str) -> pd.DataFrame:
    try:
        with lake.fs.open(path, "rb") as f:
            df = pd.read_json(f, lines=True) if path.endswith(".jsonl") else pd.read_parquet(f)
    except Exception as err:  # noqa: BLE001 - any unreadable file is named, whatever the reader raised
        raise RatingsError(
            f"{path}: unreadable ratings file ({type(err).__name__}: {err})"
        ) from None
    missing = [c for c in RATING_COLUMNS if c not in df.columns]
    if missing:
        raise RatingsError(f"{path}: missing column(s) {missing}; has {list(df.columns)}")
    return df


def read_ratings(lake: Lake, days: Sequence[str] | None = None, scale_max: int = 5) -> pd.DataFrame:
    """All ratings of `days` (default: every landing day), with a `day` column."""
    days = list(days) if days is not None else lake.landing_days("ratings")
    frames = []
    for day in days:
        for path in lake.landing_files("ratings", day):
            df = _read_file(lake, path)
            score = pd.to_numeric(df["helpfulness"], errors="coerce")
            bad = score.isna() | (score < 1) | (score > scale_max) | (score % 1 != 0)
            if bad.any():
                i = int(bad.to_numpy().nonzero()[0][0])
                raise RatingsError(
                    f"{path}: row {i}: helpfulness {df['helpfulness'].iloc[i]} is not an "
                    f"integer 1..{scale_max} (policy.helpfulness.ratings_scale_max)"
                )
            frames.append(df[list(RATING_COLUMNS)].assign(helpfulness=score.astype(int), day=day))
    if not frames:
        raise RatingsError(
            f"{lake.path('landing', 'ratings')}: no ratings files for days "
            f"{days[:3]}{'...' if len(days) > 3 else ''}; the helpfulness model needs "
            "annotator ratings (or set policy.helpfulness.model to a saved scorer)"
        )
    return pd.concat(frames, ignore_index=True)
