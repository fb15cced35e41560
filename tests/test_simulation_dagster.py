"""The `simulated_landing` asset runs the simulator into the landing zone through the `rluf` resource."""

from __future__ import annotations

import dagster as dg
import yaml

from rluf_core.lake import Lake
from rluf_dagster.defs.simulation import simulated_landing
from rluf_dagster.resources import RlufResource


def test_simulated_landing_materialises_with_counts(tmp_path):
    cfg_file = tmp_path / "rluf.yaml"
    cfg_file.write_text(
        yaml.safe_dump(
            {
                "storage": {"home": str(tmp_path / "home")},
                "source": {
                    "start_date": "2026-01-01",
                    "simulator": {"days": 2, "turns_per_day": 1500, "n_users": 800},
                },
            }
        )
    )
    rluf = RlufResource(config_path=str(cfg_file))
    result = dg.materialize([simulated_landing], resources={"rluf": rluf})
    assert result.success
    mat = result.asset_materializations_for_node("simulated_landing")[0]
    assert mat.metadata["turns"].value == 3000 and mat.metadata["days"].value == 2
    assert mat.metadata["reaction_events"].value > 0
    lake = Lake(rluf.config.storage.lake)
    assert lake.landing_days("turns") == ["2026-01-01", "2026-01-02"]
    assert Lake(rluf.config.storage.ground_truth).read_report("simulation")["turns"] == 3000
    # one day again, chosen in the run config
    again = dg.materialize(
        [simulated_landing],
        resources={"rluf": rluf},
        run_config={"ops": {"simulated_landing": {"config": {"days": ["2026-01-02"]}}}},
    )
    assert again.asset_materializations_for_node("simulated_landing")[0].metadata["days"].value == 1
