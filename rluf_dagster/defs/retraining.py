"""Weekly retraining: a job over the training set and the groups after it (reward model, policy,
evaluation, promotion), its schedule, and the drift sensor that requests it early.

The selection names groups, and a group with no asset selects nothing (no error): the job covers
whichever of "policy" and "evaluation" the code location defines. The schedule skips, with a warning,
a tick at which the labelled days cannot be trained on (too few days for the time split, no positive
labels, one class), instead of starting a run that would fail.
"""

import json

import dagster as dg

from rluf_core.feedback.sufficiency import labelled_problem
from rluf_core.quality.drift import drift_verdict
from rluf_core.quality.held import held_days
from rluf_dagster.project import PROJECT_CONFIG
from rluf_dagster.resources import RlufResource

RETRAIN_GROUPS = ("reward", "policy", "evaluation", "registry")
# Everything downstream of the daily partitions: the training set, then the models, their reports
# and the promotion decisions.
RETRAIN_SELECTION = dg.AssetSelection.assets("feedback_dataset") | dg.AssetSelection.groups(
    *RETRAIN_GROUPS
)

weekly_retrain_job = dg.define_asset_job(
    "weekly_retrain_job",
    selection=RETRAIN_SELECTION,
    description="Rebuild the de-adversarialised feedback dataset; retrain and evaluate P[Love] "
    "and the policy; "
    "run the promotion gates (groups reward, policy, evaluation, registry).",
)


def _status(enabled: bool, kind=dg.DefaultScheduleStatus):
    return kind.RUNNING if enabled else kind.STOPPED


@dg.schedule(
    name="weekly_retrain_schedule",
    job=weekly_retrain_job,
    cron_schedule=PROJECT_CONFIG.schedules.retrain_cron,
    execution_timezone=PROJECT_CONFIG.schedules.timezone,
    default_status=_status(PROJECT_CONFIG.schedules.retrain_enabled),
    description="Retrains weekly; skips with a warning while the labelled days are too few to train on.",
)
def weekly_retrain_schedule(context: dg.ScheduleEvaluationContext, rluf: RlufResource):
    too_little = labelled_problem(rluf.lake, rluf.config, list(held_days(rluf.lake)))
    if too_little is not None:
        context.log.warning(f"weekly retraining skipped: {too_little}")
        return dg.SkipReason(too_little)
    return dg.RunRequest()


_DRIFT = PROJECT_CONFIG.schedules.drift


@dg.sensor(
    name="drift_sensor",
    job=weekly_retrain_job,
    minimum_interval_seconds=_DRIFT.interval_seconds,
    default_status=_status(_DRIFT.enabled, dg.DefaultSensorStatus),
    description="Requests weekly_retrain_job when the love rate or the topic mix of the latest "
    "labelled days moves beyond schedules.drift's bounds against the trailing days before them "
    "(once per latest day).",
)
def drift_sensor(context: dg.SensorEvaluationContext, rluf: RlufResource):
    verdict = drift_verdict(rluf.lake, rluf.config.schedules.drift)
    latest = verdict["latest_day"]
    if latest is None or context.cursor == latest:
        return dg.SkipReason(f"no new labelled day since {context.cursor or 'the start'}")
    context.update_cursor(latest)
    if not verdict["drifted"]:
        return dg.SkipReason(f"{latest}: {'; '.join(verdict['reasons'])}")
    context.log.info(f"drift at {latest}: {'; '.join(verdict['reasons'])}")
    return dg.RunRequest(
        run_key=f"drift:{latest}",
        tags={"rluf/trigger": "drift", "rluf/drift": json.dumps(verdict["reasons"])[:1000]},
    )


defs = dg.Definitions(
    jobs=[weekly_retrain_job], schedules=[weekly_retrain_schedule], sensors=[drift_sensor]
)
