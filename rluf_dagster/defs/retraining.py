"""Weekly retraining: a job over the feedback and reward groups, and its schedule."""

import dagster as dg

from rluf_dagster.project import PROJECT_CONFIG

# Everything downstream of the daily partitions: the training set, then the models and their reports.
RETRAIN_SELECTION = dg.AssetSelection.assets("feedback_dataset") | dg.AssetSelection.groups("reward")

weekly_retrain_job = dg.define_asset_job(
    "weekly_retrain_job",
    selection=RETRAIN_SELECTION,
    description="Rebuild the de-adversarialised feedback dataset, retrain, calibrate and evaluate P[Love].",
)

weekly_retrain_schedule = dg.ScheduleDefinition(
    name="weekly_retrain_schedule",
    job=weekly_retrain_job,
    cron_schedule=PROJECT_CONFIG.schedules.retrain_cron,
    execution_timezone=PROJECT_CONFIG.schedules.timezone,
    default_status=(
        dg.DefaultScheduleStatus.RUNNING if PROJECT_CONFIG.schedules.retrain_enabled else dg.DefaultScheduleStatus.STOPPED
    ),
)

defs = dg.Definitions(jobs=[weekly_retrain_job], schedules=[weekly_retrain_schedule])
