"""The reward group in Dagster: p_love_model launches the training job through Pipes, p_love_report
evaluates it with a blocking check; metadata carries the report markdown and the plots."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import yaml

from rluf_core.lake import Lake
from rluf_core.reward.training.synthetic import make_feedback
from rluf_dagster.defs.reward import CHECK, p_love_model, p_love_report
from rluf_dagster.resources import MlflowResource, RlufResource

REPO = Path(__file__).resolve().parent.parent


def test_reward_assets_materialise_with_blocking_check(rluf_home, tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    # defaults + this home + a tiny model (independent of other sections' in-flight edits of the repo file)
    cfg_data = {
        "storage": {"home": str(rluf_home)},
        "reward_model": dict(backbone="tiny", max_length=32, epochs=2, bootstrap=50, batch_size=64),
    }
    path = tmp_path / "rluf.yaml"
    path.write_text(yaml.safe_dump(cfg_data))
    rluf = RlufResource(config_path=str(path))
    df, truth = make_feedback(2000, seed=3)
    Lake(rluf.config.storage.lake).write_dataset("feedback_dataset", df)
    gt = Lake(rluf.config.storage.ground_truth)
    for day, part in truth.groupby("day"):
        gt.write_dataset("turns", part.drop(columns=["day"]), day)

    result = dg.materialize(
        [p_love_model, p_love_report],
        resources={"rluf": rluf, "mlflow": MlflowResource(rluf=rluf)},
        raise_on_error=False,
    )
    mats = {
        e.asset_key.to_user_string(): e.materialization.metadata
        for e in result.get_asset_materialization_events()
    }
    assert mats["p_love_model"]["model_uri"].value == "models:/rluf-p-love@challenger"
    meta = mats["p_love_report"]
    assert "ceiling_text" in meta["report"].value
    assert meta["reliability_diagram"].value.startswith("![reliability](data:image/png;base64,")
    checks = result.get_asset_check_evaluations()
    assert [c.check_name for c in checks] == [CHECK]
    report = Lake(rluf.config.storage.lake).read_report("p_love_report")
    assert checks[0].passed == report["checks"]["passed"]
    assert checks[0].metadata["auroc"].value == report["test"]["model"]["auroc"]
    assert (
        result.success == checks[0].passed
    )  # a failed blocking check fails the run (and blocks downstream)
