"""Row classification shared by turns and reactions: typing, field rules, then dedup by id.

Creates the DuckDB view ``cls``: the raw columns plus ``_rid`` (input position), ``ts_t`` (typed
timestamp), ``reason`` (null when the row is fine) and ``outcome``, one of ``clean``, ``quarantine``
or ``duplicate`` (an exact repeat of an id, collapsed into its first copy). Raw rows are not copied
into DuckDB (``fields`` is a view over the Arrow input); details of rejected rows are computed for
those rows only (``detail_sql``).
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

# how a raw `ts` string becomes a timestamp (in the connection's UTC): the raw quality gate reads it the same way
TS_CAST = "TRY_CAST(ts AS TIMESTAMPTZ)"
ID_COLUMN = {"turns": "turn_id", "reactions": "event_id"}
# What must agree for a repeated id to be a retry (collapsed) rather than a conflict (quarantined).
PAYLOAD = {
    "turns": ("conversation_id", "user_id", "prompt", "response", "context", "policy_version"),
    "reactions": ("turn_id", "user_id", "reaction_n", "action_n"),
}


def day_bounds(day: str | dt.date, q: QualityConfig) -> tuple[dt.datetime, dt.datetime]:
    try:
        d = dt.date.fromisoformat(str(day))
    except ValueError:
        raise ValueError(f"partition day {day!r} is not a date YYYY-MM-DD") from None
    start = dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)
    return (
        start - dt.timedelta(hours=q.late_tolerance_hours),
        start + dt.timedelta(days=1, minutes=q.future_tolerance_minutes),
    )


def _conform(kind: str, raw: pd.DataFrame | pa.Table) -> pa.Table:
    """The raw frame as Arrow with exactly raw_columns(kind) (missing ones null) and `_rid`."""
    t = to_arrow(raw)
    n = t.num_rows
    cols = {}
    for c in raw_columns(kind):
        if c in t.column_names:
            col = t.column(c)
            cols[c] = (
                col.cast(pa.int64())
                if c == "_row"
                else (
                    col
                    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
                    else col.cast(pa.string())
                )
            )
        else:
            cols[c] = pa.nulls(n, pa.int64() if c == "_row" else pa.string())
    cols["_rid"] = pa.array(np.arange(n, dtype=np.int64))
    return pa.table(cols)


def blank(c: str) -> str:
    """SQL: column `c` is null, empty or only whitespace (trims only the rare rows that start blank)."""
    ws = "chr(32) || chr(9) || chr(10) || chr(11) || chr(12) || chr(13)"  # trim() alone strips spaces only
    return f"({c} IS NULL OR length({c}) = 0 OR (ascii({c}) IN (9, 10, 11, 12, 13, 32) AND trim({c}, {ws}) = ''))"


def _norm(c: str, values: list[str]) -> str:
    """SQL: `c` lower-cased and trimmed (skipped for the common case of an already-clean value)."""
    known = ", ".join(sql_str(v) for v in values)
    return f"CASE WHEN {c} IN ({known}) THEN {c} ELSE lower(trim({c})) END AS {c}_n"


def _field_rules(kind: str, q: QualityConfig) -> list[tuple[str, str, str]]:
    """(condition, reason code, detail expression) in priority order."""
    rules = [("_error IS NOT NULL", "_error", "coalesce({r}_error_detail, {r}_error)")]
    for c in REQUIRED_COLUMNS[kind]:
        rules.append((blank(c), f"missing_{c}", f"'required column {c} is null or empty'"))
    rules += [
        ("ts_t IS NULL", "bad_timestamp", "'ts ' || left({r}ts, 64) || ' is not a timestamp'"),
        ("ts_t < $lo", "ts_too_old", "'ts ' || {r}ts_t::VARCHAR || ' is before ' || $lo::VARCHAR"),
        ("ts_t > $hi", "ts_in_future", "'ts ' || {r}ts_t::VARCHAR || ' is after ' || $hi::VARCHAR"),
    ]
    if kind == "turns":
        m = int(q.max_text_chars)
        rules.append(
            (
                f"length(prompt) > {m} OR length(response) > {m} OR coalesce(length(context), 0) > {m}",
                "text_too_long",
                f"'text over {m} chars (prompt ' || length({{r}}prompt) || ', response ' || length({{r}}response) || "
                f"', context ' || coalesce(length({{r}}context), 0) || ')'",
            )
        )
    else:
        known = ", ".join(sql_str(r) for r in q.known_reactions)
        rules += [
            (
                f"reaction_n NOT IN ({known})",
                "unknown_reaction",
                "'reaction ' || left({r}reaction, 64) || ' is not known'",
            ),
            (
                "action_n NOT IN ('add', 'remove')",
                "unknown_action",
                "'action ' || left({r}action, 64) || ' is not add/remove'",
            ),
        ]
    return rules


def detail_sql(kind: str, q: QualityConfig, day: str, extra: dict[str, str] | None = None) -> str:
    """A CASE on `reason` giving the human-readable detail (evaluated for quarantined rows only)."""
    lo, hi = day_bounds(day, q)
    whens = []
    for _, code, detail in _field_rules(kind, q)[1:]:
        whens.append(f"WHEN '{code}' THEN {detail}")
    for code, detail in (extra or {}).items():
        whens.append(f"WHEN '{code}' THEN {detail}")
    body = (
        " ".join(whens)
        .replace("$lo", f"TIMESTAMPTZ '{lo.isoformat()}'")
        .replace("$hi", f"TIMESTAMPTZ '{hi.isoformat()}'")
        .replace("{r}", "r.")
    )
    return f"CASE WHEN r._error IS NOT NULL THEN coalesce(r._error_detail, r._error) ELSE (CASE r.reason {body} END) END"


# detail templates: "{r}" is the row alias where they are evaluated
CONFLICT_DETAIL = {
    "conflicting_duplicate": "'id repeats ' || {r}first_at || ' (kept) with different content'"
}
EARLIER_DETAIL = {
    "duplicate_of_earlier_day": "'id already landed on ' || {r}earlier_day || ' (kept there)'"
}
_NO_EARLIER = pa.table({"id": pa.array([], pa.string()), "day": pa.array([], pa.string())})


def classify(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    raw: pd.DataFrame | pa.Table,
    day: str,
    q: QualityConfig,
    materialize: bool = False,
    earlier: pa.Table | None = None,
) -> None:
    """Create view `fields` (typed rows + field-rule reason), table `dups` and view `cls`.

    `earlier` (columns id, day): ids already clean in earlier partitions; a row repeating one is
    quarantined as `duplicate_of_earlier_day` (a re-delivered file), so each id stays clean once."""
    lo, hi = day_bounds(day, q)
    con.register("raw_in", _conform(kind, raw))
    con.register("earlier_in", _NO_EARLIER if earlier is None else earlier.select(["id", "day"]))
    norm = (
        f", {_norm('reaction', q.known_reactions)}, {_norm('action', ['add', 'remove'])}"
        if kind == "reactions"
        else ""
    )
    reason = (
        "CASE "
        + " ".join(
            f"WHEN {c} THEN {r if r == '_error' else sql_str(r)}"
            for c, r, _ in _field_rules(kind, q)
        )
        + " END"
    )
    # By default a view over the registered Arrow input: typing and rules are recomputed per pass
    # (cheap, vectorised) instead of copying every raw column into DuckDB, so the input is not held
    # twice (reactions: 10M rows). `materialize` copies once instead (turns: wide text, few rows).
    reason = reason.replace("$lo", f"TIMESTAMPTZ '{lo.isoformat()}'").replace(
        "$hi", f"TIMESTAMPTZ '{hi.isoformat()}'"
    )
    for stmt in ("DROP VIEW IF EXISTS fields", "DROP TABLE IF EXISTS fields"):
        try:
            con.execute(stmt)
        except duckdb.CatalogException:  # exists as the other kind
            pass
    con.execute(f"""
        CREATE TEMP {"TABLE" if materialize else "VIEW"} fields AS
        WITH typed AS (SELECT *, {TS_CAST} AS ts_t {norm} FROM raw_in)
        SELECT *, {reason} AS reason FROM typed
    """)
    idc = ID_COLUMN[kind]
    payload = ", ".join(PAYLOAD[kind])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE dups AS
        WITH v AS (SELECT _rid, _file, _row, {idc} AS id, ts_t, hash({payload}) AS h FROM fields WHERE reason IS NULL),
        multi AS (SELECT id FROM v GROUP BY id HAVING count(*) > 1)
        SELECT _rid, row_number() OVER w AS rn, h = first_value(h) OVER w AS same,
               first_value(_file || ' row ' || _row) OVER w AS first_at  -- where the kept copy came from
        FROM v SEMI JOIN multi USING (id)
        WINDOW w AS (PARTITION BY id ORDER BY ts_t, _rid)
    """)
    con.execute(f"""
        CREATE OR REPLACE TEMP VIEW cls AS
        SELECT f.* EXCLUDE (reason),
            CASE WHEN f.reason IS NOT NULL THEN f.reason
                 WHEN e.day IS NOT NULL THEN 'duplicate_of_earlier_day'
                 WHEN d.rn > 1 AND NOT d.same THEN 'conflicting_duplicate' END AS reason,
            CASE WHEN f.reason IS NOT NULL OR e.day IS NOT NULL THEN 'quarantine'
                 WHEN d.rn > 1 AND d.same THEN 'duplicate'
                 WHEN d.rn > 1 THEN 'quarantine'
                 ELSE 'clean' END AS outcome,
            d.first_at, e.day AS earlier_day
        FROM fields f LEFT JOIN dups d USING (_rid)
        LEFT JOIN (SELECT id, min(day) AS day FROM earlier_in GROUP BY id) e
               ON f.reason IS NULL AND f.{idc} = e.id
    """)


def drop_work_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("DROP VIEW IF EXISTS cls")
    kind = con.execute(
        "SELECT table_type FROM information_schema.tables WHERE table_name = 'fields'"
    ).fetchone()
    if kind:
        con.execute(f"DROP {'VIEW' if kind[0] == 'VIEW' else 'TABLE'} fields")
    con.execute("DROP TABLE IF EXISTS dups")
    con.unregister("raw_in")
    con.unregister("earlier_in")


def outcome_counts(
    con: duckdb.DuckDBPyConnection, table: str = "cls"
) -> tuple[int, dict[str, int], dict[str, int]]:
    """(rows, rows per outcome, rows per quarantine reason) in one pass."""
    rows = con.execute(
        f"SELECT outcome, reason, count(*) FROM {table} GROUP BY outcome, reason"
    ).fetchall()
    outcomes: dict[str, int] = {}
    reasons: dict[str, int] = {}
    for outcome, reason, n in rows:
        outcomes[outcome] = outcomes.get(outcome, 0) + int(n)
        if reason is not None:
            reasons[reason] = reasons.get(reason, 0) + int(n)
    return sum(outcomes.values()), outcomes, dict(sorted(reasons.items()))
