"""The true label of a turn, per docs/design.md "Labels", from the events the simulator generated.

A turn is loved when, at turn ts + window, the receiving user's net state of the positive reaction
is "add": duplicates (same event_id) collapsed, toggles resolved in event-ts order.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def loved_labels(
    turns: pd.DataFrame,
    events: pd.DataFrame,
    window,
    positive: str = "love",
    receiving_user_only: bool = True,
) -> np.ndarray:
    """Bool per row of `turns` (turn_id, user_id, ts); events: event_id, turn_id, user_id, ts,
    reaction, action. `window` is a Timedelta for timestamp columns or a number for integer ts."""
    ev = events.drop_duplicates("event_id")
    ev = ev.loc[ev["reaction"] == positive, ["turn_id", "user_id", "ts", "action"]]
    t = turns[["turn_id", "user_id", "ts"]].rename(columns={"user_id": "recv", "ts": "turn_ts"})
    m = ev.merge(t, on="turn_id", how="inner")
    if receiving_user_only:
        m = m[m["user_id"] == m["recv"]]
    m = m[m["ts"] <= m["turn_ts"] + window]
    last = (
        m.sort_values(["turn_id", "ts"], kind="stable")
        .groupby("turn_id", sort=False)["action"]
        .last()
    )
    loved = last[last == "add"].index
    return turns["turn_id"].isin(loved).to_numpy()


def within_window(events: pd.DataFrame, turn_ts, window) -> np.ndarray:
    """Events whose ts falls in [turn ts, turn ts + window]."""
    ts = events["ts"].to_numpy()
    return (ts >= np.asarray(turn_ts)) & (ts <= np.asarray(turn_ts) + window)
