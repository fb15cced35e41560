"""Robust reading of landing-zone files (Parquet and JSON Lines) into raw rows with provenance,
and which landing day to ingest next."""

from rluf_core.ingest.landing import IngestRequest, landing_signature, next_ingest
from rluf_core.ingest.reader import RawBatch, read_landing_day, read_landing_file
from rluf_core.ingest.schema import LANDING_COLUMNS, META_COLUMNS, REQUIRED_COLUMNS, raw_columns

__all__ = [
    "LANDING_COLUMNS",
    "META_COLUMNS",
    "REQUIRED_COLUMNS",
    "IngestRequest",
    "RawBatch",
    "landing_signature",
    "next_ingest",
    "raw_columns",
    "read_landing_day",
    "read_landing_file",
]
