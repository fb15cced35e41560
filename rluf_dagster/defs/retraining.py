"""Weekly retraining: a job over the feedback and reward groups, and its schedule.

The schedule skips, with a warning, a tick at which the labelled days cannot be trained on (too few
days for the time split, no positive labels, one class), instead of starting a run that would fail.
"""

import dagster as dg

from rluf_core.feedback.sufficiency import labelled_problem
from rluf_core.quality.held import held_days
from rluf_dagster.project import PROJECT_CONFIG
from rluf_dagster.resources import RlufResource

# Everything downstream of the daily partitions: the training set, then the models and their reports.
RETRAIN_SELECTION = dg.AssetSelection.assets("feedback_dataset") | dg.AssetSelection.groups("reward")

weekly_retrain_job = dg.define_asset_job(
    "weekly_retrain_job",
    selection=RETRAIN_SELECTION,
    description="Rebuild the de-adversarialised feedback dataset, retrain, calibrate and evaluate P[Love].",
)


@dg.schedule(
    name="weekly_retrain_schedule",
    job=weekly_retrain_job,
    cron_schedule=PROJECT_CONFIG.schedules.retrain_cron,
    execution_timezone=PROJECT_CONFIG.schedules.timezone,
    default_status=(
        dg.DefaultScheduleStatus.RUNNING if PROJECT_CONFIG.schedules.retrain_enabled else dg.DefaultScheduleStatus.STOPPED
    ),
    description="Retrains weekly; skips with a warning while the labelled days are too few to train on.",
)
def weekly_retrain_schedule(context: dg.ScheduleEvaluationContext, rluf: RlufResource):
    too_little = labelled_problem(rluf.lake, rluf.config, list(held_days(rluf.lake)))
    if too_little is not None:
        context.log.warning(f"weekly retraining skipped: {too_little}")
        return dg.SkipReason(too_little)
    return dg.RunRequest()


defs = dg.Definitions(jobs=[weekly_retrain_job], schedules=[weekly_retrain_schedule])
