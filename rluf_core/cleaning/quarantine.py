"""The quarantine: rejected rows with a machine-readable reason, their file and row, and the record.

Reason codes (``reason``):

- reading: ``malformed_json``, ``invalid_utf8``, ``not_an_object``, ``corrupt_file``,
  ``unsupported_format``, ``unreadable_file`` (file-level ones have ``row = -1``);
- fields: ``missing_<column>`` (a required column null or empty), ``bad_timestamp`` (not a
  timestamp), ``ts_too_old`` (before the partition day minus quality.late_tolerance_hours, e.g. 1970),
  ``ts_in_future`` (after the day's end plus quality.future_tolerance_minutes), ``text_too_long``
  (prompt, response or context over quality.max_text_chars), ``unknown_reaction``, ``unknown_action``;
- keys: ``conflicting_duplicate`` (an id seen earlier with different content),
  ``duplicate_of_earlier_day`` (a turn_id already clean in an earlier partition), ``unknown_turn`` (a
  reaction to a turn_id absent from clean_turns of the lookback days), ``reaction_before_turn``.

Exact repeats of an id (client retries) are not quarantined: they collapse into the first copy and are
counted as ``duplicates_collapsed`` in the reconciliation.
"""

from __future__ import annotations

import pandas as pd

from rluf_core.cleaning.pseudonym import register_pseudonyms

QUARANTINE_COLUMNS = ["source", "file", "row", "reason", "detail", "record"]
RECORD_LIMIT = 2000

READ_REASONS = (
    "malformed_json",
    "invalid_utf8",
    "not_an_object",
    "corrupt_file",
    "unsupported_format",
    "unreadable_file",
    "unreadable_column",
)


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source": pd.Series(dtype="str"),
            "file": pd.Series(dtype="str"),
            "row": pd.Series(dtype="int64"),
            "reason": pd.Series(dtype="str"),
            "detail": pd.Series(dtype="str"),
            "record": pd.Series(dtype="str"),
        }
    )


def concat_quarantine(*frames: pd.DataFrame) -> pd.DataFrame:
    parts = [f for f in frames if f is not None and len(f)]
    if not parts:
        return empty_quarantine()
    out = pd.concat([f[QUARANTINE_COLUMNS] for f in parts], ignore_index=True)
    out["row"] = out["row"].astype("int64")
    return out


def quarantine_sql(source: str, columns: tuple[str, ...], table: str, detail: str) -> str:
    """SELECT producing QUARANTINE_COLUMNS from rejected rows with raw columns and `reason`.

    The user id inside `record` is pseudonymised too (table `qpseudo`, see `quarantine_rows`); only
    the raw text of a line that could not be parsed at all is kept as it came."""
    fields = ", ".join(
        f"{c} := qp.pseudonym" if c == "user_id" else f"{c} := r.{c}" for c in columns
    )
    return f"""
        SELECT '{source}' AS source, r._file AS file, r._row AS row, r.reason,
               coalesce({detail}, '') AS detail,
               left(coalesce(r._raw, to_json(struct_pack({fields}))::VARCHAR), {RECORD_LIMIT}) AS record
        FROM {table} r LEFT JOIN qpseudo qp ON qp.user_id = r.user_id
    """


def quarantine_rows(
    con, source: str, columns: tuple[str, ...], rejected_sql: str, detail: str, key: str
):
    """Arrow table of quarantine rows for the rejected rows the query returns."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE rej AS {rejected_sql}")
    register_pseudonyms(
        con, "SELECT DISTINCT user_id FROM rej WHERE user_id IS NOT NULL", key, name="qpseudo"
    )
    out = con.sql(quarantine_sql(source, columns, "rej", detail)).to_arrow_table()
    con.unregister("qpseudo")
    con.execute("DROP TABLE rej")
    return out
