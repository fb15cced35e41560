"""The cleaning engine: DuckDB over Arrow.

Why DuckDB: the cleaning of a day is relational work (typing, validation, dedup by key, joins to
turns, per-key "last action wins" aggregation) over millions of rows; DuckDB runs it vectorised and
multi-threaded, spills instead of running out of memory, and reads/writes Arrow without copies,
so pandas stays the interface of the lake while the heavy lifting is a few SQL statements.
"""

from __future__ import annotations

import os
import tempfile

import duckdb
import pandas as pd
import pyarrow as pa


def connect(
    threads: int | None = None, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    con.execute("SET TimeZone = 'UTC'")
    con.execute(
        f"SET threads = {int(threads or os.environ.get('RLUF_DUCKDB_THREADS') or os.cpu_count() or 1)}"
    )
    limit = memory_limit or os.environ.get("RLUF_DUCKDB_MEMORY_LIMIT")
    if limit:
        con.execute(f"SET memory_limit = '{limit}'")
    con.execute("SET preserve_insertion_order = false")
    # large_string Arrow output: pandas' Arrow-backed str columns then take the buffers without a copy
    con.execute("SET arrow_large_buffer_size = true")
    con.execute(f"SET temp_directory = '{tempfile.gettempdir()}/rluf-duckdb-spill'")
    return con


def to_arrow(df: pd.DataFrame | pa.Table) -> pa.Table:
    if isinstance(df, pa.Table):
        return df
    return pa.Table.from_pandas(df, preserve_index=False)


def sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"
