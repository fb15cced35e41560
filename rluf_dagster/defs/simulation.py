"""Group `simulation`: run the traffic simulator into the landing zone (the demo's data source)."""

import datetime as dt

import dagster as dg
import pandas as pd

from rluf_core.lake import Lake
from rluf_core.markdown import frame_table
from rluf_core.simulation import simulate
from rluf_dagster.resources import RlufResource


class SimulateConfig(dg.Config):
    days: list[
        str
    ] = []  # ISO dates to (re-)simulate; empty: source.start_date + source.simulator.days


@dg.asset(
    name="simulated_landing",
    group_name="simulation",
    kinds={"parquet"},
    description="Simulated production traffic written to the landing zone (turns and reaction events "
    "per day), with the simulator's ground truth apart from the lake.",
)
def simulated_landing(
    context: dg.AssetExecutionContext, config: SimulateConfig, rluf: RlufResource
) -> dg.MaterializeResult:
    cfg = rluf.config
    days = [dt.date.fromisoformat(d) for d in config.days] or None
    s = simulate(cfg, days=days, progress=False)
    Lake(cfg.storage.ground_truth).write_report("simulation", s)
    context.log.info(
        f"simulated {len(s['days'])} days: {s['turns']} turns, {s['events']} events "
        f"in {s['seconds']:.1f}s"
    )
    per_day = pd.DataFrame(s["days"]).round(4)
    return dg.MaterializeResult(
        metadata={
            "dagster/row_count": s["turns"],
            "days": len(s["days"]),
            "turns": s["turns"],
            "reaction_events": s["events"],
            "landing_reaction_rows": s["landing_reaction_rows"],
            "love_rate": round(s["love_rate"], 4),
            "adversarial_share_of_loved": round(s["adversarial_share_of_loved"], 4),
            "users": dg.MetadataValue.json(s["users"]),
            "seconds": round(s["seconds"], 2),
            "per_day": dg.MetadataValue.md(frame_table(per_day, str)),
            "landing": dg.MetadataValue.path(f"{cfg.storage.lake}/landing"),
            "ground_truth": dg.MetadataValue.path(cfg.storage.ground_truth),
        }
    )


simulate_traffic_job = dg.define_asset_job(
    "simulate_traffic_job",
    selection=[simulated_landing],
    description="Simulate the configured days of traffic into the landing zone.",
)

defs = dg.Definitions(assets=[simulated_landing], jobs=[simulate_traffic_job])
