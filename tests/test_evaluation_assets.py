"""The evaluation group's assets, materialised in process with stub upstreams."""

import dagster as dg
import pytest
import yaml

from rluf_core.lake import Lake
from rluf_dagster.defs.evaluation import (
    EvaluationInputsResource,
    ab_test_report,
    offline_eval_report,
)
from rluf_dagster.resources import RlufResource
from tests.evaluation_doubles import write_clean_turns

STUB = EvaluationInputsResource(factory="tests.evaluation_doubles:load_inputs")


def _rluf(tmp_path, **extra):
    cfg_file = tmp_path / "rluf.yaml"
    cfg_file.write_text(
        yaml.safe_dump(
            {
                "storage": {"home": str(tmp_path / "home")},
                "evaluation": {
                    "fixed_prompts": 200,
                    "ab_users": 2000,
                    "ab_days": 1,
                    "bootstrap_samples": 100,
                },
                **extra,
            }
        )
    )
    return RlufResource(config_path=str(cfg_file))


def test_offline_and_ab_reports_materialise_with_markdown_images_and_lake_reports(tmp_path):
    rluf = _rluf(tmp_path)
    lake = Lake(rluf.config.storage.lake)
    write_clean_turns(lake)
    res = dg.materialize(
        [offline_eval_report, ab_test_report], resources={"rluf": rluf, "evaluation_inputs": STUB}
    )
    assert res.success
    meta = res.asset_materializations_for_node("offline_eval_report")[0].metadata
    md = meta["report"].value
    assert (
        "| detector |" in md
        and "data:image/png;base64," in md
        and "offline_eval_report_arms.png" not in md
    )
    assert meta["n_prompts"].value == 200 and meta["n_variants"].value == 11
    rep = lake.read_report("offline_eval_report")
    assert {
        "n_prompts",
        "arms",
        "detectors",
        "divergence",
        "per_topic",
        "offline_online_pearson",
        "n_variants",
        "variants",
        "weight_sweep",
    } <= set(rep)
    assert [r["weight"] for r in rep["weight_sweep"]] == [0.0, 3.0] and not rep["weight_sweep"][1][
        "promoted"
    ]
    ab = lake.read_report("ab_test_report")
    assert {
        "love_lift",
        "love_lift_ci_low",
        "love_lift_ci_high",
        "helpfulness_delta_rel",
        "unsafe_delta",
        "per_topic",
    } <= set(ab)
    ab_meta = res.asset_materializations_for_node("ab_test_report")[0].metadata
    assert "data:image/png;base64," in ab_meta["report"].value and ab_meta["mlflow_run_id"].value


def test_missing_prompt_set_and_missing_loader_are_one_line(tmp_path):
    rluf = _rluf(tmp_path)
    with pytest.raises(FileNotFoundError, match="no clean turns, so no fixed prompt set"):
        dg.materialize([offline_eval_report], resources={"rluf": rluf, "evaluation_inputs": STUB})
    write_clean_turns(Lake(rluf.config.storage.lake))
    missing = EvaluationInputsResource(factory="rluf_core.nowhere:load")
    with pytest.raises(
        RuntimeError, match="evaluation_inputs.factory 'rluf_core.nowhere:load' cannot be loaded"
    ):
        dg.materialize([ab_test_report], resources={"rluf": rluf, "evaluation_inputs": missing})


def test_ab_test_is_skipped_on_real_traffic(tmp_path):
    rluf = _rluf(tmp_path, source={"kind": "landing"})
    res = dg.materialize([ab_test_report], resources={"rluf": rluf, "evaluation_inputs": STUB})
    meta = res.asset_materializations_for_node("ab_test_report")[0].metadata
    assert "source.kind is 'landing'" in meta["skipped"].value


def test_the_group_loads_beside_the_code_location():
    from rluf_dagster.definitions import defs as merged

    dg.Definitions.validate_loadable(merged)
    graph = merged.resolve_asset_graph()
    key = dg.AssetKey("offline_eval_report")
    assert graph.get(key).group_name == "evaluation"
    assert {p.to_user_string() for p in graph.get(key).parent_keys} == {
        "policy_checkpoint",
        "base_policy",
        "p_love_model",
        "helpfulness_model",
        "safety_judge",
    }
