"""Raw reaction events of one day -> clean_reactions (deduplicated, joined to their turns) + quarantine.

A reaction may refer to a turn served on the same day or up to quality.lookback_days before (late
reactions across the partition boundary); the caller passes those days' clean turns as `turns`.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from rluf_core.cleaning.classify import (
    CONFLICT_DETAIL,
    classify,
    detail_sql,
    drop_work_tables,
    outcome_counts,
)
from rluf_core.cleaning.engine import connect, to_arrow
from rluf_core.cleaning.pseudonym import register_pseudonyms
from rluf_core.cleaning.quarantine import quarantine_rows
from rluf_core.cleaning.reconcile import reconciliation
from rluf_core.config.data import PrivacyConfig, QualityConfig
from rluf_core.ingest.schema import LANDING_COLUMNS

# A reaction event as labels and per-user stats read it: the landing event, whether the reacting
# user is the one the turn answered, and how long after the turn they reacted.
REACTION_EVENT_COLUMNS = [*LANDING_COLUMNS["reactions"], "is_receiving_user", "latency_s"]
CLEAN_REACTION_COLUMNS = [
    *LANDING_COLUMNS["reactions"],
    "turn_ts",
    "turn_user_id",
    "is_receiving_user",
    "latency_s",
    "turn_day",
    "topic",
]
TURN_LOOKUP_COLUMNS = ["turn_id", "ts", "user_id", "topic"]
# a lookup's `turn_day` (optional) is the clean_turns partition the turn landed in, which labels it;
# without it the date of the turn's ts stands in (they differ for turns served near midnight)
_LOOKUP_TYPES = {
    "turn_id": pa.string(),
    "ts": pa.timestamp("us", tz="UTC"),
    "user_id": pa.string(),
    "topic": pa.string(),
    "turn_day": pa.string(),
}


def _lookup(turns: pd.DataFrame | pa.Table) -> pa.Table:
    t = to_arrow(turns)
    cols = {}
    for c, typ in _LOOKUP_TYPES.items():
        col = t.column(c) if c in t.column_names else pa.nulls(t.num_rows, typ)
        cols[c] = (
            col.cast(typ) if pa.types.is_null(col.type) or c == "turn_day" else col
        )  # untyped when empty
    return pa.table(cols)


def clean_reactions_in(
    con: duckdb.DuckDBPyConnection,
    raw: pd.DataFrame | pa.Table,
    turns: pd.DataFrame | pa.Table,
    day: str,
    quality: QualityConfig,
    privacy: PrivacyConfig,
) -> tuple[pa.Table, pa.Table, dict]:
    classify(con, "reactions", raw, day, quality)
    con.register("turns_in", _lookup(turns))
    con.execute("""
        CREATE OR REPLACE TEMP TABLE tl AS
        SELECT turn_id, min(ts) AS turn_ts, arg_min(user_id, ts) AS turn_user_id,
               arg_min(topic, ts) AS topic, coalesce(arg_min(turn_day, ts)::DATE, min(ts)::DATE) AS turn_day
        FROM turns_in GROUP BY turn_id
    """)
    # narrow: only what the outputs need; rejected rows get their raw columns back from `fields`
    con.execute("""
        CREATE OR REPLACE TEMP TABLE joined AS
        SELECT c._rid, c.event_id, c.turn_id, c.user_id, c.ts_t, c.reaction_n, c.action_n, c.first_at,
            t.turn_ts, t.turn_user_id, t.topic, t.turn_day,
            CASE WHEN c.outcome <> 'clean' THEN c.reason
                 WHEN t.turn_ts IS NULL THEN 'unknown_turn'
                 WHEN c.ts_t < t.turn_ts THEN 'reaction_before_turn' END AS reason,
            CASE WHEN c.outcome <> 'clean' THEN c.outcome
                 WHEN t.turn_ts IS NULL OR c.ts_t < t.turn_ts THEN 'quarantine'
                 ELSE 'clean' END AS outcome
        FROM cls c LEFT JOIN tl t ON c.outcome = 'clean' AND c.turn_id = t.turn_id
    """)
    register_pseudonyms(
        con, "SELECT DISTINCT user_id FROM joined WHERE outcome = 'clean'", privacy.pseudonym_key
    )
    clean = con.sql("""
        SELECT j.event_id, j.turn_id, p.pseudonym AS user_id, j.ts_t AS ts, j.reaction_n AS reaction,
               j.action_n AS action, j.turn_ts, j.turn_user_id,
               (p.pseudonym = j.turn_user_id) AS is_receiving_user,
               epoch(j.ts_t) - epoch(j.turn_ts) AS latency_s,
               j.turn_day, j.topic
        FROM joined j JOIN pseudo p USING (user_id)
        WHERE j.outcome = 'clean'
    """).to_arrow_table()
    extra = {
        **CONFLICT_DETAIL,
        "unknown_turn": "'turn_id ' || {r}turn_id || ' is not in clean_turns of the lookback days'",
        "reaction_before_turn": "'reaction at ' || {r}ts_t::VARCHAR || ' precedes its turn at ' || {r}turn_ts::VARCHAR",
    }
    rejected = """SELECT f.* EXCLUDE (reason), j.reason, j.first_at, j.turn_ts FROM fields f
                  JOIN (SELECT _rid, reason, first_at, turn_ts FROM joined WHERE outcome = 'quarantine') j
                  USING (_rid)"""
    q = quarantine_rows(
        con,
        "reactions",
        LANDING_COLUMNS["reactions"],
        rejected,
        detail_sql("reactions", quality, day, extra),
        privacy.pseudonym_key,
    )
    n, outcomes, reasons = outcome_counts(con, "joined")
    recon = reconciliation("reactions", n, outcomes, reasons, clean.num_rows, q.num_rows)
    drop_work_tables(con)
    con.unregister("pseudo")
    con.unregister("turns_in")
    con.execute("DROP TABLE tl")
    con.execute("DROP TABLE joined")
    return clean, q, recon


def clean_reactions(
    raw: pd.DataFrame,
    turns: pd.DataFrame,
    day: str,
    quality: QualityConfig | None = None,
    privacy: PrivacyConfig | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """clean_reactions and quarantine rows for one day's raw events, and the reconciliation dict.

    `turns` are clean turns (pseudonymised user ids) of the day and the lookback days before it.
    """
    con = connect()
    try:
        clean, q, recon = clean_reactions_in(
            con, raw, turns, day, quality or QualityConfig(), privacy or PrivacyConfig()
        )
    finally:
        con.close()
    return clean.to_pandas(), q.to_pandas(), recon
