"""Group "feedback": user_reputation (daily, incremental) and feedback_dataset (the training set)."""

import json

import dagster as dg

from rluf_core.adversarial.reputation import build_user_reputation, reputation_to_refresh
from rluf_core.feedback.report import markdown, run_feedback
from rluf_core.feedback.sufficiency import problem
from rluf_dagster.jobs import relabel_job
from rluf_dagster.metadata import md_table
from rluf_dagster.project import INGEST_SENSOR_STATUS, daily_partitions
from rluf_dagster.resources import RlufResource


@dg.asset(
    group_name="feedback",
    partitions_def=daily_partitions,
    kinds={"pandas", "parquet"},
    deps=["clean_turns", "clean_reactions", "labeled_turns"],
    description="Per pseudonymous user: features over the trailing window (from stored per-day aggregates, "
    "user_daily_stats) and bot / brigade / troll detector scores with reasons.",
)
def user_reputation(context: dg.AssetExecutionContext, rluf: RlufResource) -> dg.MaterializeResult:
    rep, summary = build_user_reputation(rluf.lake, rluf.config, context.partition_key)
    flagged = rep[rep["flagged"]].sort_values("kind")
    sample = flagged[["user_id", "kind", "reason"]].head(20)
    return dg.MaterializeResult(
        metadata={
            "users": len(rep),
            "flagged_users": summary["flagged_users"],
            "flagged_by_kind": dg.MetadataValue.json(summary["flagged_by_kind"]),
            "days_computed": dg.MetadataValue.json(summary["days_computed"]),
            "combine_seconds": summary["combine_seconds"],
            "phase_seconds": dg.MetadataValue.json(summary["phase_seconds"]),
            "texts_hashed": summary["texts_hashed"],
            "flagged_sample": md_table(sample, rows=20),
        }
    )


@dg.asset(
    group_name="feedback",
    kinds={"pandas", "parquet"},
    deps=[user_reputation, "labeled_turns"],
    description="Labelled turns minus flagged users' feedback (or down-weighted), capped per user and day, "
    "weighted and split by time (train / validation / test = last days).",
)
def feedback_dataset(context: dg.AssetExecutionContext, rluf: RlufResource) -> dg.MaterializeResult:
    gt = rluf.ground_truth
    df, report = run_feedback(rluf.lake, rluf.config, ground_truth=gt)
    held = list(report["held_days_excluded"])
    if held:
        context.log.warning(
            f"feedback_dataset leaves out held days (raw checks failed): {', '.join(held)}"
        )
    too_little = problem(df, rluf.config, held)
    if too_little is not None:  # before training, in the user's terms
        raise dg.Failure(description=too_little, allow_retries=False)
    return dg.MaterializeResult(
        metadata={
            "rows": len(df),
            "positive": report["output_positive"],
            "held_days_excluded": dg.MetadataValue.json(report["held_days_excluded"]),
            "removed": dg.MetadataValue.json(
                json.loads(json.dumps(report["removed"], default=str))
            ),
            "splits": dg.MetadataValue.json({k: v["rows"] for k, v in report["splits"].items()}),
            "report": dg.MetadataValue.md(markdown(report)),
            "sample": md_table(
                df[["turn_id", "user_id", "day", "label", "weight", "split"]], rows=10
            ),
        }
    )


refresh_reputation_job = dg.define_asset_job(
    "refresh_reputation",
    selection=dg.AssetSelection.assets("user_reputation"),
    partitions_def=daily_partitions,
    description="Recompute the last labelled day's user reputation after an earlier day of its window was relabelled, "
    "so that feedback_dataset is built on final labels.",
)


@dg.run_status_sensor(
    name="reputation_refresh_sensor",
    run_status=dg.DagsterRunStatus.SUCCESS,
    monitored_jobs=[relabel_job],
    request_job=refresh_reputation_job,
    default_status=INGEST_SENSOR_STATUS,
    description="When a relabel_turns run succeeds, requests a refresh_reputation run for the last labelled day if "
    "the relabelled day is in its window (that reputation was computed before the final labels).",
)
def reputation_refresh_sensor(context: dg.RunStatusSensorContext, rluf: RlufResource):
    day = context.dagster_run.tags.get("dagster/partition")
    last = reputation_to_refresh(rluf.lake, rluf.config, day) if day else None
    if last is None:
        return dg.SkipReason(f"relabelled {day}: no later reputation reads it")
    return dg.RunRequest(run_key=f"refresh:{last}:{context.dagster_run.run_id}", partition_key=last)


defs = dg.Definitions(
    assets=[user_reputation, feedback_dataset],
    jobs=[refresh_reputation_job],
    sensors=[reputation_refresh_sensor],
)
