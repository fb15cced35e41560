"""The registry group in Dagster: champion_policy's gate checks; promote and rollback jobs."""

import dagster as dg
import pytest

from rluf_core import model_aliases as ma
from rluf_core.lake import Lake
from rluf_dagster.defs import promotion as pdefs
from rluf_dagster.resources import RlufResource
from tests.promotion_fixtures import add_versions, registry_config
from tests.test_promotion_gates import CHAMPION, GOOD

NAME = "rluf-policy"


@pytest.fixture()
def cfg(tmp_path, tmp_path_factory, monkeypatch):
    cfg = registry_config(tmp_path, tmp_path_factory.getbasetemp())
    monkeypatch.setenv("RLUF_HOME", str(cfg.storage.home_path))
    monkeypatch.delenv("RLUF_CONFIG", raising=False)
    return cfg


def _defs():
    return dg.Definitions.merge(pdefs.defs, dg.Definitions(resources={"rluf": RlufResource()}))


def _failure(result) -> str:
    fails = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    return fails[0].step_failure_data.error.message


def test_champion_policy_runs_the_gates_as_checks(cfg):
    client = add_versions(cfg, NAME, 2)
    ma.set_alias(client, NAME, "champion", "1")
    ma.set_alias(client, NAME, "challenger", "2")
    Lake(cfg.storage.lake).write_report(
        "offline_eval_report",
        {"arms": {"challenger": {**GOOD, "kl_to_reference": 12.0}, "champion": CHAMPION}},
    )
    res = dg.materialize([pdefs.champion_policy], resources={"rluf": RlufResource()})
    assert res.success
    meta = res.asset_materializations_for_node("champion_policy")[0].metadata
    assert meta["outcome"].value == "refused" and meta["champion"].value == "1"
    checks = {c.check_name: c.passed for c in res.get_asset_check_evaluations()}
    assert checks == {
        f"gate_{n}": n != "kl_budget"
        for n in (
            "p_love_gain",
            "helpfulness",
            "safety",
            "bait_rate",
            "emoji_per_reply",
            "length_ratio",
            "kl_budget",
        )
    }


def test_gate_checks_for_an_evaluation_asset(cfg):
    @dg.asset(name="offline_eval_report")
    def fake_eval():
        Lake(cfg.storage.lake).write_report(
            "offline_eval_report",
            {"arms": {"challenger": {**GOOD, "bait_rate": 0.3}, "champion": CHAMPION}},
        )

    res = dg.materialize([fake_eval, pdefs.gate_checks_for()], resources={"rluf": RlufResource()})
    failed = [c.check_name for c in res.get_asset_check_evaluations() if not c.passed]
    assert failed == ["gate_bait_rate"]


@pytest.mark.parametrize(
    "run_config, message",
    [
        (
            {"version": "2"},
            "promote rluf-policy version 2: a reason is mandatory (config 'reason')",
        ),
        ({"version": "9", "reason": "hotfix"}, "model 'rluf-policy' has no version '9'"),
    ],
)
def test_promote_job_bad_inputs_fail_with_one_line(cfg, run_config, message):
    client = add_versions(cfg, NAME, 2)
    ma.set_alias(client, NAME, "champion", "1")
    job = _defs().resolve_job_def("promote")
    res = job.execute_in_process(
        run_config={"ops": {"promote_version": {"config": run_config}}}, raise_on_error=False
    )
    assert not res.success and message in _failure(res)
    assert ma.aliases(client, NAME) == {"champion": "1"}


def test_promote_job_fails_when_the_registry_is_unreachable(cfg, tmp_path, monkeypatch):
    client = add_versions(cfg, NAME, 1)
    conf = tmp_path / "down.yaml"
    conf.write_text(
        f"storage:\n  home: {cfg.storage.home_path}\n  mlflow_tracking_uri: http://127.0.0.1:9\n"
    )
    job = dg.Definitions.merge(
        pdefs.defs, dg.Definitions(resources={"rluf": RlufResource(config_path=str(conf))})
    ).resolve_job_def("promote")
    out = job.execute_in_process(
        run_config={"ops": {"promote_version": {"config": {"version": "1", "reason": "hotfix"}}}},
        raise_on_error=False,
    )
    assert not out.success and "MLflow registry http://127.0.0.1:9 is unreachable" in _failure(out)
    assert ma.aliases(client, NAME) == {}


def test_promote_then_rollback_jobs(cfg):
    client = add_versions(cfg, NAME, 2)
    defs = _defs()
    for v in ("1", "2"):
        res = defs.resolve_job_def("promote").execute_in_process(
            run_config={
                "ops": {"promote_version": {"config": {"version": v, "reason": f"rollout {v}"}}}
            }
        )
        assert res.success
    mats = res.asset_materializations_for_node("promote_version")
    assert (
        mats[0].asset_key == dg.AssetKey("champion_policy")
        and mats[0].metadata["champion"].value == "2"
    )
    res = defs.resolve_job_def("rollback").execute_in_process()
    assert res.success and ma.aliases(client, NAME) == {"champion": "1"}
    assert Lake(cfg.storage.lake).read_report("champion_policy")["decision"]["kind"] == "rollback"
