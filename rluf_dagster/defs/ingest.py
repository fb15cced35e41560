"""Group `ingest`: raw_turns and raw_reactions read from the landing zone, with blocking quality
checks (GX suites of rluf_core.quality), the daily ingest job and the landing sensor."""


import datetime as dt
import hashlib
import json
import time

import dagster as dg
import pandas as pd

from rluf_core.quality.daily import ingest_day
from rluf_core.cleaning.labels import reaction_days_needed
from rluf_core.lake import Lake
from rluf_core.quality import QualityResult, stored_result, validate_partition
from rluf_dagster.project import INGEST_SENSOR_STATUS, PROJECT_CONFIG, daily_partitions
from rluf_dagster.resources import RlufResource

SAMPLE_COLUMNS = 8


def md_table(df: pd.DataFrame, rows: int = 5, width: int = 60) -> dg.MetadataValue:
    """A small markdown sample table (text cut to `width` characters)."""
    if df is None or not len(df):
        return dg.MetadataValue.md("_no rows_")
    def cell(v) -> str:
        text = "" if v is None or (isinstance(v, float) and v != v) else str(v)
        return text[:width].replace("|", "/").replace("\n", " ")

    head = df.head(rows).astype(object).map(cell)
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    lines += ["| " + " | ".join(r) + " |" for r in head.itertuples(index=False, name=None)]
    return dg.MetadataValue.md("\n".join(lines))


def check_result(result: QualityResult) -> dg.AssetCheckResult:
    """A QualityResult as an asset check result: failed expectations with counts and examples."""
    failed = [c for c in result.failed]
    return dg.AssetCheckResult(
        passed=result.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=None if result.success else result.failure_summary()[:1000],
        metadata={
            "rows": result.n_rows,
            "checks": len(result.checks),
            "failed_expectations": dg.MetadataValue.json([
                {"check": c.label, "severity": c.severity, "unexpected_count": c.unexpected_count,
                 "element_count": c.element_count, "observed": c.observed, "examples": c.examples}
                for c in failed]),
            "failed_count": sum(1 for c in failed if c.severity == "error"),
            "warnings": sum(1 for c in failed if c.severity == "warn"),
            "report": dg.MetadataValue.md(result.to_markdown()),
        },
    )


def quality_check(asset: dg.AssetsDefinition, dataset: str, description: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(asset=asset, name=f"{dataset}_quality", blocking=True, partitions_def=daily_partitions,
                    description=description)
    def _check(context: dg.AssetCheckExecutionContext, rluf: RlufResource) -> dg.AssetCheckResult:
        return check_result(validate_partition(rluf.lake, rluf.config, dataset, context.partition_key))

    return _check


def _raw_asset(kind: str) -> dg.AssetsDefinition:
    @dg.asset(name=f"raw_{kind}", group_name="ingest", partitions_def=daily_partitions, kinds={"parquet"},
              description=f"Landing-zone {kind} of the day as read (every column as text, with _file/_row "
                          f"provenance and _error for rows that could not be parsed).")
    def _asset(context: dg.AssetExecutionContext, rluf: RlufResource) -> dg.MaterializeResult:
        s = ingest_day(rluf.lake, kind, context.partition_key)
        context.log.info(f"raw_{kind} {context.partition_key}: {s['rows']} rows from {s['files']} files")
        return dg.MaterializeResult(metadata={
            "dagster/row_count": s["rows"], "files": s["files"], "bytes": s["bytes"],
            "unparsed_rows": s["unparsed_rows"], "files_with_problems": s["files_with_problems"],
            "files_table": md_table(s["files_table"][["file", "format", "status", "n_rows", "n_errors",
                                                      "missing_columns", "missing_optional", "extra_columns",
                                                      "type_issues"]], rows=20),
            "sample": md_table(s["frame"].iloc[:, :SAMPLE_COLUMNS]),
            "path": dg.MetadataValue.path(rluf.lake.dataset_path(f"raw_{kind}", context.partition_key)),
        })

    return _asset


raw_turns = _raw_asset("turns")
raw_reactions = _raw_asset("reactions")
raw_checks = [
    quality_check(raw_turns, "raw_turns", "GX suite raw_turns + landing files + volume vs trailing days"),
    quality_check(raw_reactions, "raw_reactions", "GX suite raw_reactions + landing files + volume vs trailing days"),
]

daily_ingest_job = dg.define_asset_job(
    "daily_ingest",
    selection=dg.AssetSelection.groups("ingest", "clean") | dg.AssetSelection.assets("user_reputation"),
    partitions_def=daily_partitions,
    description="One landing day through ingest, quality checks, cleaning, labelling and the day's user reputation.",
)
relabel_job = dg.define_asset_job(
    "relabel_turns", selection=dg.AssetSelection.assets("labeled_turns", "user_reputation"),
    partitions_def=daily_partitions,
    description="Re-label a day once the reactions of its whole label window have arrived, and refresh "
                "that day's user aggregates.",
)


def _signature(lake: Lake, day: str) -> str:
    files = sorted(f for kind in ("turns", "reactions") for f in lake.landing_files(kind, day))
    return f"{len(files)}:" + hashlib.sha1("\n".join(files).encode()).hexdigest()[:10]


def _settled(lake: Lake, day: str) -> bool:
    """The run for `day` is over: labelled, or stopped by a failed raw check."""
    if lake.has_dataset("labeled_turns", day):
        return True
    return any((r := stored_result(lake, f"raw_{k}", day)) is not None and not r.success
               for k in ("turns", "reactions"))


def landing_requests(lake: Lake, cursor: dict, labels_cfg, valid_keys: set[str] | None = None,
                     now: float | None = None, pending_timeout_s: float = 1800.0, warn=None,
                     ) -> tuple[list[dg.RunRequest], dict]:
    """Run requests for landing days that appear (or whose files change), one day at a time and in
    order (a day's reactions join the previous day's turns), plus re-label requests for days whose
    label window has now arrived. Cursor: day -> landing signature, the pending day, relabelled days."""
    now = time.time() if now is None else now
    seen: dict = dict(cursor.get("seen", {}))
    relabelled: list = list(cursor.get("relabelled", []))
    pending = cursor.get("pending")
    requests = []
    if pending and (_settled(lake, pending["day"]) or now - pending["at"] > pending_timeout_s):
        pending = None
    if pending is None:
        days = sorted(set(lake.landing_days("turns")) | set(lake.landing_days("reactions")))
        for day in days:
            if valid_keys is not None and day not in valid_keys:
                if warn is not None and day not in seen:
                    warn(f"landing day {day} is outside the pipeline's partitions (start date to today): not ingested")
                    seen[day] = "outside partitions"
                continue
            sig = _signature(lake, day)
            if seen.get(day) != sig:
                seen[day] = sig
                pending = {"day": day, "at": now}
                requests.append(dg.RunRequest(run_key=f"ingest:{day}:{sig}", partition_key=day,
                                              job_name="daily_ingest"))
                break
    for day in lake.dataset_days("labeled_turns"):
        if day in relabelled or not all(lake.has_dataset("clean_reactions", d)
                                        for d in reaction_days_needed(day, labels_cfg)):
            continue
        relabelled.append(day)
        complete = lake.read_dataset("labeled_turns", [day], columns=["label_window_complete"])
        if len(complete) and not bool(complete["label_window_complete"].all()):
            requests.append(dg.RunRequest(run_key=f"relabel:{day}", partition_key=day, job_name="relabel_turns"))
    return requests, {"seen": seen, "pending": pending, "relabelled": relabelled[-400:]}


@dg.sensor(
    name="landing_sensor", jobs=[daily_ingest_job, relabel_job],
    minimum_interval_seconds=PROJECT_CONFIG.schedules.ingest_sensor_interval_seconds,
    default_status=INGEST_SENSOR_STATUS,
    description="Requests a daily_ingest run for each landing day that appears (or whose files change), "
                "and a relabel run once a day's label window is covered by reactions.",
)
def landing_sensor(context: dg.SensorEvaluationContext, rluf: RlufResource) -> dg.SensorResult:
    cursor = json.loads(context.cursor) if context.cursor else {}
    now = dt.datetime.now(dt.timezone.utc)
    valid = set(daily_partitions.get_partition_keys(current_time=now))
    requests, new_cursor = landing_requests(rluf.lake, cursor, rluf.config.labels, valid, warn=context.log.warning)
    return dg.SensorResult(run_requests=requests, cursor=json.dumps(new_cursor))


defs = dg.Definitions(
    assets=[raw_turns, raw_reactions],
    asset_checks=raw_checks,
    jobs=[daily_ingest_job, relabel_job],
    sensors=[landing_sensor],
)
