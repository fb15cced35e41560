"""Raw turns of one day -> clean_turns (typed, deduplicated, pseudonymised) + quarantine."""

from __future__ import annotations

import duckdb
import pandas as pd
import pyarrow as pa

from rluf_core.cleaning.classify import (
    CONFLICT_DETAIL,
    EARLIER_DETAIL,
    classify,
    detail_sql,
    drop_work_tables,
    outcome_counts,
)
from rluf_core.cleaning.engine import connect
from rluf_core.cleaning.pseudonym import register_pseudonyms
from rluf_core.cleaning.quarantine import quarantine_rows
from rluf_core.cleaning.reconcile import reconciliation
from rluf_core.config.data import PrivacyConfig, QualityConfig
from rluf_core.ingest.schema import LANDING_COLUMNS

CLEAN_TURN_COLUMNS = [*LANDING_COLUMNS["turns"], "response_chars"]


def clean_turns_in(
    con: duckdb.DuckDBPyConnection,
    raw: pd.DataFrame | pa.Table,
    day: str,
    quality: QualityConfig,
    privacy: PrivacyConfig,
    earlier: pa.Table | None = None,
) -> tuple[pa.Table, pa.Table, dict]:
    """Arrow outputs (clean, quarantine) and the reconciliation, using an open connection.
    `earlier`: turn ids (`id`) already clean in earlier partitions (`day`), see `classify`."""
    classify(con, "turns", raw, day, quality, materialize=True, earlier=earlier)
    register_pseudonyms(
        con, "SELECT DISTINCT user_id FROM cls WHERE outcome = 'clean'", privacy.pseudonym_key
    )
    clean = con.sql("""
        SELECT c.turn_id, c.conversation_id, p.pseudonym AS user_id, c.ts_t AS ts, c.prompt, c.response,
               c.context, c.policy_version, c.lang, c.surface, c.topic,
               length(c.response)::BIGINT AS response_chars
        FROM cls c JOIN pseudo p USING (user_id)
        WHERE c.outcome = 'clean'
    """).to_arrow_table()
    q = quarantine_rows(
        con,
        "turns",
        LANDING_COLUMNS["turns"],
        "SELECT * FROM cls WHERE outcome = 'quarantine'",
        detail_sql("turns", quality, day, {**CONFLICT_DETAIL, **EARLIER_DETAIL}),
        privacy.pseudonym_key,
    )
    n, outcomes, reasons = outcome_counts(con)
    recon = reconciliation("turns", n, outcomes, reasons, clean.num_rows, q.num_rows)
    con.unregister("pseudo")
    drop_work_tables(con)
    return clean, q, recon


def clean_turns(
    raw: pd.DataFrame,
    day: str,
    quality: QualityConfig | None = None,
    privacy: PrivacyConfig | None = None,
    earlier: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """clean_turns and quarantine rows for one day, and the reconciliation dict.
    `earlier` (turn_id, day): turns already clean in earlier partitions."""
    prior = (
        None
        if earlier is None
        else pa.table(
            {
                "id": pa.array(earlier["turn_id"].astype(str), pa.string()),
                "day": pa.array(earlier["day"].astype(str), pa.string()),
            }
        )
    )
    con = connect()
    try:
        clean, q, recon = clean_turns_in(
            con, raw, day, quality or QualityConfig(), privacy or PrivacyConfig(), prior
        )
    finally:
        con.close()
    return clean.to_pandas(), q.to_pandas(), recon
