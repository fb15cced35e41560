"""The feedback group's Dagster assets, materialised in process on a synthetic lake."""

import dagster as dg
import yaml

from rluf_core.adversarial.synthetic import Scenario, generate, write_lake
from rluf_core.lake import Lake
from rluf_dagster.defs.feedback import feedback_dataset, user_reputation
from rluf_dagster.resources import RlufResource


def test_user_reputation_then_feedback_dataset(tmp_path):
    cfg_file = tmp_path / "rluf.yaml"
    cfg_file.write_text(yaml.safe_dump({"storage": {"home": str(tmp_path / "home")},
                                        "adversarial": {"trailing_days": 3, "recent_days": 2,
                                                        "split": {"validation_days": 1, "test_days": 1}}}))
    rluf = RlufResource(config_path=str(cfg_file))
    lake = Lake(rluf.config.storage.lake)
    days = write_lake(lake, generate(Scenario(days=3, turns_per_day=2000, n_honest=1000, n_bots=5, n_brigades=1,
                                              brigade_size=5, n_trolls=5, seed=2)))
    r1 = dg.materialize([user_reputation], partition_key=days[-1], resources={"rluf": rluf})
    assert r1.success
    meta = r1.asset_materializations_for_node("user_reputation")[0].metadata
    assert meta["users"].value > 0 and meta["flagged_users"].value > 0
    r2 = dg.materialize([feedback_dataset], resources={"rluf": rluf})
    assert r2.success
    df = lake.read_dataset("feedback_dataset")
    assert set(df["split"]) == {"train", "validation", "test"}
    report = lake.read_report("feedback_dataset")
    assert report["output_rows"] == len(df) and "adversarial_user" in report["removed"]
