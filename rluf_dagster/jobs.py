"""Jobs that span groups: a landing day through ingest, cleaning and reputation; re-labelling."""

from __future__ import annotations

import dagster as dg

from rluf_dagster.project import daily_partitions

daily_ingest_job = dg.define_asset_job(
    "daily_ingest",
    selection=dg.AssetSelection.groups("ingest", "clean")
    | dg.AssetSelection.assets("user_reputation"),
    partitions_def=daily_partitions,
    description="One landing day through ingest, quality checks, cleaning, labelling and the day's "
    "user reputation.",
)
relabel_job = dg.define_asset_job(
    "relabel_turns",
    selection=dg.AssetSelection.assets("labeled_turns", "user_reputation"),
    partitions_def=daily_partitions,
    description="Re-label a day once the reactions of its whole label window have arrived, and refresh "
    "that day's user aggregates.",
)
