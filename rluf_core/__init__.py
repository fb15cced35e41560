"""rluf_core: the library behind rluf (no Dagster import anywhere in it)."""

__version__ = "0.1.0"
