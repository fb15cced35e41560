"""Group `ingest`: raw_turns and raw_reactions read from the landing zone, with blocking quality
checks (GX suites of rluf_core.quality), the daily ingest job and the landing sensor."""

import datetime as dt
import json
from functools import partial

import dagster as dg

from rluf_core.config.data import LabelsConfig
from rluf_core.ingest import next_ingest
from rluf_core.lake import Lake
from rluf_core.quality.daily import day_settled, days_to_relabel, ingest_day
from rluf_dagster.checks import quality_check
from rluf_dagster.jobs import daily_ingest_job, relabel_job
from rluf_dagster.metadata import md_table
from rluf_dagster.project import INGEST_SENSOR_STATUS, PROJECT_CONFIG, daily_partitions
from rluf_dagster.resources import RlufResource

SAMPLE_COLUMNS = 8
FILE_COLUMNS = (
    "file",
    "format",
    "status",
    "n_rows",
    "n_errors",
    "missing_columns",
    "missing_optional",
    "extra_columns",
    "type_issues",
)


def _raw_asset(kind: str) -> dg.AssetsDefinition:
    @dg.asset(
        name=f"raw_{kind}",
        group_name="ingest",
        partitions_def=daily_partitions,
        kinds={"parquet"},
        description=f"Landing-zone {kind} of the day as read (every column as text, with _file/_row "
        f"provenance and _error for rows that could not be parsed).",
    )
    def _asset(context: dg.AssetExecutionContext, rluf: RlufResource) -> dg.MaterializeResult:
        s = ingest_day(rluf.lake, kind, context.partition_key)
        context.log.info(
            f"raw_{kind} {context.partition_key}: {s['rows']} rows from {s['files']} files"
        )
        return dg.MaterializeResult(
            metadata={
                "dagster/row_count": s["rows"],
                "files": s["files"],
                "bytes": s["bytes"],
                "unparsed_rows": s["unparsed_rows"],
                "files_with_problems": s["files_with_problems"],
                "files_table": md_table(s["files_table"][list(FILE_COLUMNS)], rows=20),
                "sample": md_table(s["frame"].iloc[:, :SAMPLE_COLUMNS]),
                "path": dg.MetadataValue.path(
                    rluf.lake.dataset_path(f"raw_{kind}", context.partition_key)
                ),
            }
        )

    return _asset


raw_turns = _raw_asset("turns")
raw_reactions = _raw_asset("reactions")
raw_checks = [
    quality_check(
        raw_turns, "raw_turns", "GX suite raw_turns + landing files + volume vs trailing days"
    ),
    quality_check(
        raw_reactions,
        "raw_reactions",
        "GX suite raw_reactions + landing files + volume vs trailing days",
    ),
]


def landing_requests(
    lake: Lake,
    cursor: dict,
    labels_cfg: LabelsConfig,
    valid_keys: set[str] | None = None,
    now: float | None = None,
    pending_timeout_s: float = 1800.0,
    warn=None,
) -> tuple[list[dg.RunRequest], dict]:
    """Run requests for the next landing day (rluf_core.ingest.next_ingest) and re-label requests for
    days whose label window has now arrived. Cursor: day -> landing signature, the pending day,
    relabelled days."""
    ingest, cur = next_ingest(
        lake, cursor, partial(day_settled, lake), valid_keys, now, pending_timeout_s, warn
    )
    due, relabelled = days_to_relabel(lake, labels_cfg, cursor.get("relabelled", []))
    requests = [
        dg.RunRequest(run_key=r.run_key, partition_key=r.day, job_name="daily_ingest")
        for r in ingest
    ]
    requests += [
        dg.RunRequest(run_key=f"relabel:{d}", partition_key=d, job_name="relabel_turns")
        for d in due
    ]
    return requests, {**cur, "relabelled": relabelled[-400:]}


@dg.sensor(
    name="landing_sensor",
    jobs=[daily_ingest_job, relabel_job],
    minimum_interval_seconds=PROJECT_CONFIG.schedules.ingest_sensor_interval_seconds,
    default_status=INGEST_SENSOR_STATUS,
    description="Requests a daily_ingest run for each landing day that appears (or whose files change), "
    "and a relabel run once a day's label window is covered by reactions.",
)
def landing_sensor(context: dg.SensorEvaluationContext, rluf: RlufResource) -> dg.SensorResult:
    cursor = json.loads(context.cursor) if context.cursor else {}
    now = dt.datetime.now(dt.UTC)
    valid = set(daily_partitions.get_partition_keys(current_time=now))
    requests, new_cursor = landing_requests(
        rluf.lake, cursor, rluf.config.labels, valid, warn=context.log.warning
    )
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(new_cursor))


defs = dg.Definitions(
    assets=[raw_turns, raw_reactions],
    asset_checks=raw_checks,
    jobs=[daily_ingest_job, relabel_job],
    sensors=[landing_sensor],
)
