"""rluf_dagster: thin orchestration over rluf_core (assets, checks, resources, jobs, schedules, sensors)."""
