"""Raw reaction events of one day -> clean_reactions (deduplicated, joined to their turns) + quarantine.

A reaction may refer to a turn served on the same day or up to quality.lookback_days before (late
reactions across the partition boundary); the caller passes those days' clean turns as `turns`.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from rluf_core.cleaning.classify import classify, outcome_counts, reason_counts
from rluf_core.cleaning.engine import connect, to_arrow
from rluf_core.cleaning.quarantine import quarantine_sql
from rluf_core.cleaning.reconcile import reconciliation
from rluf_core.cleaning.turns import register_pseudonyms
from rluf_core.config.data import PrivacyConfig, QualityConfig
from rluf_core.ingest.schema import LANDING_COLUMNS

CLEAN_REACTION_COLUMNS = [
    "event_id", "turn_id", "user_id", "ts", "reaction", "action", "turn_ts", "turn_user_id",
    "is_receiving_user", "latency_s", "turn_day", "topic",
]
TURN_LOOKUP_COLUMNS = ["turn_id", "ts", "user_id", "topic"]


def _lookup(turns: pd.DataFrame | pa.Table) -> pa.Table:
    t = to_arrow(turns)
    cols = {c: t.column(c) for c in TURN_LOOKUP_COLUMNS if c in t.column_names}
    if "topic" not in cols:
        cols["topic"] = pa.nulls(t.num_rows, pa.string())
    return pa.table(cols)


def clean_reactions_in(con: duckdb.DuckDBPyConnection, raw: pd.DataFrame | pa.Table,
                       turns: pd.DataFrame | pa.Table, day: str, quality: QualityConfig,
                       privacy: PrivacyConfig) -> tuple[pa.Table, pa.Table, dict]:
    classify(con, "reactions", raw, day, quality)
    con.register("turns_in", _lookup(turns))
    con.execute("""
        CREATE OR REPLACE TEMP TABLE tl AS
        SELECT turn_id, min(ts) AS turn_ts, arg_min(user_id, ts) AS turn_user_id,
               arg_min(topic, ts) AS topic
        FROM turns_in GROUP BY turn_id
    """)
    con.execute("""
        CREATE OR REPLACE TEMP TABLE joined AS
        SELECT c.* EXCLUDE (reason, detail, outcome), t.turn_ts, t.turn_user_id, t.topic,
            CASE WHEN c.outcome <> 'clean' THEN c.reason
                 WHEN t.turn_ts IS NULL THEN 'unknown_turn'
                 WHEN c.ts_t < t.turn_ts THEN 'reaction_before_turn' END AS reason,
            CASE WHEN c.outcome <> 'clean' THEN c.detail
                 WHEN t.turn_ts IS NULL THEN 'turn_id ' || c.turn_id || ' is not in clean_turns of the lookback days'
                 WHEN c.ts_t < t.turn_ts THEN 'reaction at ' || c.ts_t::VARCHAR || ' precedes its turn at ' || t.turn_ts::VARCHAR
                 END AS detail,
            CASE WHEN c.outcome <> 'clean' THEN c.outcome
                 WHEN t.turn_ts IS NULL OR c.ts_t < t.turn_ts THEN 'quarantine'
                 ELSE 'clean' END AS outcome
        FROM cls c LEFT JOIN tl t ON c.outcome = 'clean' AND c.turn_id = t.turn_id
    """)
    register_pseudonyms(con, "SELECT DISTINCT user_id FROM joined WHERE outcome = 'clean'", privacy.pseudonym_key)
    clean = con.sql("""
        SELECT j.event_id, j.turn_id, p.pseudonym AS user_id, j.ts_t AS ts, j.reaction_n AS reaction,
               j.action_n AS action, j.turn_ts, j.turn_user_id,
               (p.pseudonym = j.turn_user_id) AS is_receiving_user,
               epoch(j.ts_t) - epoch(j.turn_ts) AS latency_s,
               j.turn_ts::DATE AS turn_day, j.topic
        FROM joined j JOIN pseudo p USING (user_id)
        WHERE j.outcome = 'clean'
    """).to_arrow_table()
    q = con.sql(quarantine_sql("reactions", LANDING_COLUMNS["reactions"],
                                   "(SELECT * FROM joined WHERE outcome = 'quarantine')")).to_arrow_table()
    recon = reconciliation("reactions", con.execute("SELECT count(*) FROM joined").fetchone()[0],
                           outcome_counts(con, "joined"), reason_counts(con, "joined"), clean.num_rows, q.num_rows)
    con.unregister("pseudo")
    con.unregister("turns_in")
    con.execute("DROP TABLE tl")
    return clean, q, recon


def clean_reactions(raw: pd.DataFrame, turns: pd.DataFrame, day: str, quality: QualityConfig | None = None,
                    privacy: PrivacyConfig | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """clean_reactions and quarantine rows for one day's raw events, and the reconciliation dict.

    `turns` are clean turns (pseudonymised user ids) of the day and the lookback days before it.
    """
    con = connect()
    try:
        clean, q, recon = clean_reactions_in(con, raw, turns, day, quality or QualityConfig(),
                                             privacy or PrivacyConfig())
    finally:
        con.close()
    return clean.to_pandas(), q.to_pandas(), recon
