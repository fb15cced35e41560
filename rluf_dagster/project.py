"""Definition-time settings read once from the pipeline config (partitions start, cron, intervals).

Run-time settings are read by the `rluf` resource when a run starts, so a test or a deployment
can point one run at another file without re-importing the code location.
"""

from __future__ import annotations

import dagster as dg

from rluf_core.config import RlufConfig, load_config

PROJECT_CONFIG = load_config()

daily_partitions = dg.DailyPartitionsDefinition(
    start_date=PROJECT_CONFIG.source.start_date.isoformat(),
    timezone="UTC",
)

# the sensors that follow the landing zone (new days, relabelled days) start running when ingest is enabled
INGEST_SENSOR_STATUS = (
    dg.DefaultSensorStatus.RUNNING
    if PROJECT_CONFIG.schedules.ingest_sensor_enabled
    else dg.DefaultSensorStatus.STOPPED
)


def executor_for(cfg: RlufConfig) -> dg.ExecutorDefinition:
    """in_process on small machines (the demo, CI); multiprocess with a step cap in production."""
    if cfg.compute.executor == "multiprocess":
        return dg.multiprocess_executor.configured(
            {"max_concurrent": cfg.compute.max_concurrent_steps}
        )
    return dg.in_process_executor
