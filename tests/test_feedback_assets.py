"""The feedback group's Dagster assets, materialised in process on a synthetic lake."""

import dagster as dg
import yaml

from rluf_core.adversarial.synthetic import Scenario, generate, write_lake
from rluf_core.lake import Lake
from rluf_dagster.defs.feedback import feedback_dataset, user_reputation
from rluf_dagster.resources import RlufResource


def test_user_reputation_then_feedback_dataset(tmp_path):
    cfg_file = tmp_path / "rluf.yaml"
    cfg_file.write_text(
        yaml.safe_dump(
            {
                "storage": {"home": str(tmp_path / "home")},
                "adversarial": {
                    "trailing_days": 3,
                    "recent_days": 2,
                    "split": {"validation_days": 1, "test_days": 1},
                },
            }
        )
    )
    rluf = RlufResource(config_path=str(cfg_file))
    lake = Lake(rluf.config.storage.lake)
    days = write_lake(
        lake,
        generate(
            Scenario(
                days=3,
                turns_per_day=2000,
                n_honest=1000,
                n_bots=5,
                n_brigades=1,
                brigade_size=5,
                n_trolls=5,
                seed=2,
            )
        ),
    )
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


def test_relabelling_a_window_day_refreshes_the_last_reputation(tmp_path):
    from rluf_core.adversarial.reputation import reputation_to_refresh
    from rluf_dagster.defs.feedback import reputation_refresh_sensor

    cfg_file = tmp_path / "rluf.yaml"
    cfg_file.write_text(
        yaml.safe_dump(
            {
                "storage": {"home": str(tmp_path / "home")},
                "adversarial": {"trailing_days": 2, "recent_days": 1},
            }
        )
    )
    rluf = RlufResource(config_path=str(cfg_file))
    lake = Lake(rluf.config.storage.lake)
    days = write_lake(lake, generate(Scenario(days=3, turns_per_day=500, n_honest=300, seed=3)))
    # the last day's reputation reads the two days of its window; the first day is outside it
    assert [reputation_to_refresh(lake, rluf.config, d) for d in days] == [None, days[-1], None]

    def evaluate(day):
        run = dg.DagsterRun(
            job_name="relabel_turns", run_id=f"run-{day}", tags={"dagster/partition": day}
        )
        event = dg.DagsterEvent(event_type_value="PIPELINE_SUCCESS", job_name="relabel_turns")
        return reputation_refresh_sensor(
            dg.build_run_status_sensor_context(
                sensor_name="reputation_refresh_sensor",
                dagster_event=event,
                dagster_instance=dg.DagsterInstance.ephemeral(),
                dagster_run=run,
                resources={"rluf": rluf},
            )
        )

    req = evaluate(days[1])
    assert isinstance(req, dg.RunRequest) and req.partition_key == days[-1]
    assert req.run_key == f"refresh:{days[-1]}:run-{days[1]}"
    assert isinstance(evaluate(days[-1]), dg.SkipReason)
