"""Group `clean`: clean_turns, clean_reactions, labeled_turns, quarantine, with blocking checks.

Clean assets refuse a day whose raw quality check failed (rluf_core.quality.require_passed), so a
later run cannot silently use a failed partition; quality.gate_failed_partitions: false overrides.
"""

import dagster as dg

from rluf_core.cleaning.labels import reaction_days_needed
from rluf_core.quality import QualityGateError, daily
from rluf_dagster.checks import quality_check
from rluf_dagster.metadata import md_table
from rluf_dagster.project import PROJECT_CONFIG, daily_partitions
from rluf_dagster.resources import RlufResource

_LOOKBACK = PROJECT_CONFIG.quality.lookback_days
_AHEAD = len(reaction_days_needed(PROJECT_CONFIG.source.start_date, PROJECT_CONFIG.labels)) - 1


def _daily(deps: list, description: str, kinds: frozenset[str] = frozenset({"duckdb", "parquet"})):
    """The asset decorator of the group: daily partitions, these dependencies and kinds."""
    return dg.asset(
        group_name="clean",
        partitions_def=daily_partitions,
        deps=deps,
        kinds=set(kinds),
        description=description,
    )


def _days_around(key: str, start: int, end: int) -> dg.AssetDep:
    """A dependency on `key`'s partitions from `start` to `end` days from this one (those that do
    not exist yet allowed)."""
    mapping = dg.TimeWindowPartitionMapping(
        start_offset=start, end_offset=end, allow_nonexistent_upstream_partitions=True
    )
    return dg.AssetDep(key, partition_mapping=mapping)


def _reconciled(
    step, context: dg.AssetExecutionContext, rluf: RlufResource
) -> dg.MaterializeResult:
    """Run a cleaning step on the partition (a failed raw quality gate fails the run); its
    reconciliation as metadata."""
    try:
        out = step(rluf.lake, rluf.config, context.partition_key)
    except QualityGateError as e:
        raise dg.Failure(description=str(e)) from None
    r = out["reconciliation"]
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": r["clean"],
            "input_rows": r["input_rows"],
            "quarantined": r["quarantined"],
            "duplicates_collapsed": r["duplicates_collapsed"],
            "reconciled": r["balanced"],
            "reconciliation": dg.MetadataValue.json(r),
            "sample": md_table(out["clean"].iloc[:, :8]),
            "quarantine_sample": md_table(out["quarantine"][["file", "row", "reason", "detail"]]),
        }
    )


@_daily(
    ["raw_turns"],
    "Typed, deduplicated turns with pseudonymised user ids (rejected rows go to quarantine).",
)
def clean_turns(context: dg.AssetExecutionContext, rluf: RlufResource) -> dg.MaterializeResult:
    return _reconciled(daily.clean_turns_day, context, rluf)


@_daily(
    ["raw_reactions", _days_around("clean_turns", -_LOOKBACK, 0)],
    "Reaction events deduplicated (retries collapsed) and joined to their turns, including "
    "turns of the lookback days (late reactions across the partition boundary).",
)
def clean_reactions(context: dg.AssetExecutionContext, rluf: RlufResource) -> dg.MaterializeResult:
    return _reconciled(daily.clean_reactions_day, context, rluf)


@_daily(
    ["clean_turns", _days_around("clean_reactions", 0, _AHEAD)],
    "clean_turns with the label (final positive reaction state within labels.window_hours), "
    "reaction counts and label_window_complete (the following days' reactions were available).",
)
def labeled_turns(context: dg.AssetExecutionContext, rluf: RlufResource) -> dg.MaterializeResult:
    out = daily.label_day(rluf.lake, rluf.config, context.partition_key)
    lab = out["labeled"]
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(lab),
            "love_rate": out["love_rate"],
            "loved_turns": int(lab["label"].sum()) if len(lab) else 0,
            "label_window_complete_share": out["window_complete_share"],
            "reaction_partitions_read": ", ".join(out["reaction_days"]) or "none",
            "sample": md_table(
                lab[
                    [
                        "turn_id",
                        "user_id",
                        "ts",
                        "label",
                        "n_reactions",
                        "n_positive_users",
                        "label_window_complete",
                    ]
                ]
                if len(lab)
                else lab
            ),
        }
    )


@_daily(
    ["clean_turns", "clean_reactions"],
    "Rejected rows of the day with a machine-readable reason, file and row.",
    kinds=frozenset({"parquet"}),
)
def quarantine(context: dg.AssetExecutionContext, rluf: RlufResource) -> dg.MaterializeResult:
    out = daily.quarantine_day(rluf.lake, context.partition_key)
    q = out["quarantine"]
    reasons = q.groupby(["source", "reason"]).size().reset_index(name="rows") if len(q) else q
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": len(q),
            "reconciled": out["total"]["balanced"],
            "reconciliation": dg.MetadataValue.json(out["total"]),
            "by_source": dg.MetadataValue.json(out["by_source"]),
            "files_set_aside": len(out["total"]["files_set_aside"]),
            "reasons": md_table(reasons, rows=50),
            "sample": md_table(q[["source", "file", "row", "reason", "detail"]]),
        }
    )


@dg.asset_check(
    asset=quarantine,
    name="reconciliation",
    blocking=True,
    partitions_def=daily_partitions,
    description="Every input row is clean, quarantined, or a collapsed duplicate: exactly.",
)
def reconciliation_check(
    context: dg.AssetCheckExecutionContext, rluf: RlufResource
) -> dg.AssetCheckResult:
    out = daily.quarantine_day(rluf.lake, context.partition_key, write=False)
    t = out["total"]
    return dg.AssetCheckResult(
        passed=bool(t["balanced"]),
        severity=dg.AssetCheckSeverity.ERROR,
        metadata={
            **{k: v for k, v in t.items() if k != "files_set_aside"},
            "files_set_aside": dg.MetadataValue.json(t["files_set_aside"]),
            "by_source": dg.MetadataValue.json(out["by_source"]),
        },
    )


clean_checks = [
    quality_check(
        clean_turns,
        "clean_turns",
        "GX suite clean_turns: unique ids, pseudonymised users, ts in range",
    ),
    quality_check(
        clean_reactions,
        "clean_reactions",
        "GX suite clean_reactions: unique events, value sets, latency >= 0",
    ),
    quality_check(
        labeled_turns, "labeled_turns", "GX suite labeled_turns + love rate vs trailing days"
    ),
    reconciliation_check,
]

defs = dg.Definitions(
    assets=[clean_turns, clean_reactions, labeled_turns, quarantine], asset_checks=clean_checks
)
