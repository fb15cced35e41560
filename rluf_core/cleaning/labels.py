"""Labelling (docs/design.md "Labels"): a turn is loved when, at the end of the label window after its
`ts`, the receiving user's net reaction state includes the positive reaction.

Toggles resolve per (turn, user, reaction) to the last action by time (ties: by event_id) within
the window (ts <= turn ts + labels.window_hours); repeated
events (the same event_id arriving in two partitions) do not change that state and are counted once.
With labels.receiving_user_only false, any user's final positive state labels the turn.

Columns added to the turn: label (0/1), n_reactions (distinct events in the window, all users),
n_positive_users (users whose final state is positive), first_positive_latency_s (first add of the
positive reaction by a user who counts for the label), label_window_complete (the reaction
partitions covering the whole window, plus labels.late_arrival_days, were available).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd
import pyarrow as pa

from rluf_core.cleaning.engine import connect, sql_str, to_arrow
from rluf_core.cleaning.reactions import REACTION_EVENT_COLUMNS
from rluf_core.config.data import LabelsConfig

LABEL_COLUMNS = [
    "label",
    "n_reactions",
    "n_positive_users",
    "first_positive_latency_s",
    "label_window_complete",
]


def reaction_days_needed(day: str | dt.date, labels: LabelsConfig) -> list[str]:
    """The clean_reactions partitions that can hold in-window reactions to turns of `day`."""
    d = dt.date.fromisoformat(str(day))
    extra = int(-(-labels.window_hours // 24)) + labels.late_arrival_days
    return [(d + dt.timedelta(days=i)).isoformat() for i in range(extra + 1)]


def label_turns_in(
    con: duckdb.DuckDBPyConnection,
    turns: pd.DataFrame | pa.Table,
    reactions: pd.DataFrame | pa.Table,
    labels: LabelsConfig,
    available_through: str | dt.date | None,
) -> pa.Table:
    rx = to_arrow(reactions)
    con.register("lt_turns", to_arrow(turns))
    con.register("lt_rx", rx.select(REACTION_EVENT_COLUMNS))
    window_s = float(labels.window_hours) * 3600.0
    through = (
        "NULL::DATE" if available_through is None else f"DATE {sql_str(str(available_through))}"
    )
    recv = "TRUE" if labels.receiving_user_only else "FALSE"
    out = con.sql(f"""
        WITH inwin AS (
            SELECT r.* FROM lt_rx r SEMI JOIN lt_turns t USING (turn_id)
            WHERE r.latency_s >= 0 AND r.latency_s <= {window_s}
        ),
        state AS (
            SELECT turn_id, user_id, last(action ORDER BY ts, event_id) AS final_action,
                   bool_or(is_receiving_user) AS recv,
                   min(latency_s) FILTER (WHERE action = 'add') AS first_add
            FROM inwin WHERE reaction = {sql_str(labels.positive_reaction)}
            GROUP BY turn_id, user_id
        ),
        pos AS (
            SELECT turn_id,
                   max(CASE WHEN recv OR NOT {recv} THEN 1 ELSE 0 END) AS label,
                   count(*) AS n_positive_users,
                   min(first_add) FILTER (WHERE recv OR NOT {recv}) AS first_positive_latency_s
            FROM state WHERE final_action = 'add' GROUP BY turn_id
        ),
        cnt AS (SELECT turn_id, count(DISTINCT event_id) AS n_reactions FROM inwin GROUP BY turn_id)
        SELECT t.*, coalesce(pos.label, 0)::TINYINT AS label,
               coalesce(cnt.n_reactions, 0)::BIGINT AS n_reactions,
               coalesce(pos.n_positive_users, 0)::BIGINT AS n_positive_users,
               pos.first_positive_latency_s::DOUBLE AS first_positive_latency_s,
               coalesce((t.ts + to_seconds({window_s}))::DATE
                        + {int(labels.late_arrival_days)} <= {through}, FALSE) AS label_window_complete
        FROM lt_turns t LEFT JOIN pos USING (turn_id) LEFT JOIN cnt USING (turn_id)
        ORDER BY t.ts, t.turn_id
    """).to_arrow_table()  # ordered: a join's output order is not deterministic across threads
    con.unregister("lt_turns")
    con.unregister("lt_rx")
    return out


def label_turns(
    turns: pd.DataFrame,
    reactions: pd.DataFrame,
    labels: LabelsConfig | None = None,
    available_through: str | dt.date | None = None,
) -> pd.DataFrame:
    """labeled_turns: `turns` (clean_turns rows) with the label columns.

    `reactions` are clean_reactions rows that may refer to these turns (other turns are ignored);
    `available_through` is the last day up to which all reaction partitions were available.
    """
    con = connect()
    try:
        return label_turns_in(
            con, turns, reactions, labels or LabelsConfig(), available_through
        ).to_pandas()
    finally:
        con.close()
