"""Row classification shared by turns and reactions: typing, field rules, then dedup by id.

Creates the DuckDB temp table ``cls``: the raw columns plus ``_rid`` (input position), ``ts_t``
(typed timestamp), ``reason``/``detail`` (null when the row is fine) and ``outcome``, one of
``clean``, ``quarantine`` or ``duplicate`` (an exact repeat of an id, collapsed into its first copy).
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from rluf_core.cleaning.engine import sql_str, to_arrow
from rluf_core.config.data import QualityConfig
from rluf_core.ingest.schema import REQUIRED_COLUMNS, raw_columns

ID_COLUMN = {"turns": "turn_id", "reactions": "event_id"}
# What must agree for a repeated id to be a retry (collapsed) rather than a conflict (quarantined).
PAYLOAD = {
    "turns": ("conversation_id", "user_id", "prompt", "response", "context", "policy_version"),
    "reactions": ("turn_id", "user_id", "reaction_n", "action_n"),
}


def day_bounds(day: str | dt.date, q: QualityConfig) -> tuple[dt.datetime, dt.datetime]:
    d = dt.date.fromisoformat(str(day))
    start = dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc)
    return (start - dt.timedelta(hours=q.late_tolerance_hours),
            start + dt.timedelta(days=1, minutes=q.future_tolerance_minutes))


def _conform(kind: str, raw: pd.DataFrame | pa.Table) -> pa.Table:
    """The raw frame as Arrow with exactly raw_columns(kind) (missing ones null) and `_rid`."""
    t = to_arrow(raw)
    n = t.num_rows
    cols = {}
    for c in raw_columns(kind):
        if c in t.column_names:
            col = t.column(c)
            cols[c] = col.cast(pa.int64()) if c == "_row" else (
                col if pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
                else col.cast(pa.string()))
        else:
            cols[c] = pa.nulls(n, pa.int64() if c == "_row" else pa.string())
    cols["_rid"] = pa.array(np.arange(n, dtype=np.int64))
    return pa.table(cols)


def _field_rules(kind: str, q: QualityConfig) -> list[tuple[str, str, str]]:
    """(condition, reason, detail expression) in priority order."""
    rules = [("_error IS NOT NULL", "_error", "coalesce(_error_detail, _error)")]
    for c in REQUIRED_COLUMNS[kind]:
        rules.append((f"nullif(trim({c}), '') IS NULL", f"'missing_{c}'", f"'required column {c} is null or empty'"))
    rules += [
        ("ts_t IS NULL", "'bad_timestamp'", "'ts ' || left(ts, 64) || ' is not a timestamp'"),
        ("ts_t < $lo", "'ts_too_old'", "'ts ' || ts_t::VARCHAR || ' is before ' || $lo::VARCHAR"),
        ("ts_t > $hi", "'ts_in_future'", "'ts ' || ts_t::VARCHAR || ' is after ' || $hi::VARCHAR"),
    ]
    if kind == "turns":
        m = int(q.max_text_chars)
        rules.append((
            f"length(prompt) > {m} OR length(response) > {m} OR coalesce(length(context), 0) > {m}",
            "'text_too_long'",
            f"'text over {m} chars (prompt ' || length(prompt) || ', response ' || length(response) || "
            f"', context ' || coalesce(length(context), 0) || ')'",
        ))
    else:
        known = ", ".join(sql_str(r) for r in q.known_reactions)
        rules += [
            (f"reaction_n NOT IN ({known})", "'unknown_reaction'", "'reaction ' || left(reaction, 64) || ' is not known'"),
            ("action_n NOT IN ('add', 'remove')", "'unknown_action'", "'action ' || left(action, 64) || ' is not add/remove'"),
        ]
    return rules


def classify(con: duckdb.DuckDBPyConnection, kind: str, raw: pd.DataFrame | pa.Table, day: str,
             q: QualityConfig) -> None:
    lo, hi = day_bounds(day, q)
    con.register("raw_in", _conform(kind, raw))
    norm = ", lower(trim(reaction)) AS reaction_n, lower(trim(action)) AS action_n" if kind == "reactions" else ""
    rules = _field_rules(kind, q)
    reason = "CASE " + " ".join(f"WHEN {c} THEN {r}" for c, r, _ in rules) + " END"
    detail = "CASE " + " ".join(f"WHEN {c} THEN {d}" for c, _, d in rules) + " END"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE typed AS
        SELECT *, TRY_CAST(ts AS TIMESTAMPTZ) AS ts_t {norm} FROM raw_in
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE fields AS
        SELECT *, {reason} AS reason, {detail} AS detail FROM typed
    """, {"lo": lo, "hi": hi})
    idc = ID_COLUMN[kind]
    payload = ", ".join(PAYLOAD[kind])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE dups AS
        WITH v AS (SELECT _rid, {idc} AS id, ts_t, hash({payload}) AS h FROM fields WHERE reason IS NULL),
        multi AS (SELECT id FROM v GROUP BY id HAVING count(*) > 1)
        SELECT _rid, row_number() OVER w AS rn, h = first_value(h) OVER w AS same,
               first_value(_rid) OVER w AS first_rid
        FROM v SEMI JOIN multi USING (id)
        WINDOW w AS (PARTITION BY id ORDER BY ts_t, _rid)
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE cls AS
        SELECT f.* EXCLUDE (reason, detail),
            CASE WHEN f.reason IS NOT NULL THEN f.reason
                 WHEN d.rn > 1 AND NOT d.same THEN 'conflicting_duplicate' END AS reason,
            CASE WHEN f.reason IS NOT NULL THEN f.detail
                 WHEN d.rn > 1 AND NOT d.same THEN
                    '{idc} ' || f.{idc} || ' repeats input row ' || d.first_rid || ' with different content'
                 END AS detail,
            CASE WHEN f.reason IS NOT NULL THEN 'quarantine'
                 WHEN d.rn > 1 AND d.same THEN 'duplicate'
                 WHEN d.rn > 1 THEN 'quarantine'
                 ELSE 'clean' END AS outcome
        FROM fields f LEFT JOIN dups d USING (_rid)
    """)
    for t in ("typed", "fields", "dups"):
        con.execute(f"DROP TABLE {t}")
    con.unregister("raw_in")


def outcome_counts(con: duckdb.DuckDBPyConnection, table: str = "cls") -> dict[str, int]:
    rows = con.execute(f"SELECT outcome, count(*) FROM {table} GROUP BY outcome").fetchall()
    return {k: int(v) for k, v in rows}


def reason_counts(con: duckdb.DuckDBPyConnection, table: str = "cls") -> dict[str, int]:
    rows = con.execute(f"SELECT reason, count(*) FROM {table} WHERE reason IS NOT NULL GROUP BY reason").fetchall()
    return {k: int(v) for k, v in sorted(rows)}
