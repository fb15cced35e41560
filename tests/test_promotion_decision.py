"""Promotion decisions on a sqlite MLflow registry: gates, history, forced, rollback, crashes."""

import json
import time

import mlflow
import pandas as pd
import pytest

from rluf_core import model_aliases as ma
from rluf_core.lake import Lake
from rluf_core.promotion import PromotionError, run
from rluf_core.promotion.decision import decide_policy, force_promote, rollback
from tests.promotion_fixtures import add_versions, log_dummy_policy, registry_config
from tests.test_promotion_gates import CHAMPION, GOOD

NAME = "rluf-policy"


@pytest.fixture()
def cfg(tmp_path, tmp_path_factory):
    return registry_config(tmp_path, tmp_path_factory.getbasetemp())


def _eval_report(cfg, challenger, champion=CHAMPION, **extra):
    Lake(cfg.storage.lake).write_report(
        "offline_eval_report", {"arms": {"challenger": challenger, "champion": champion}, **extra}
    )


def _challenger(client, version):
    ma.set_alias(client, NAME, ma.CHALLENGER, version)


def test_first_then_second_promotion_keep_previous_and_history(cfg):
    client = add_versions(cfg, NAME, 2)
    _challenger(client, "1")
    _eval_report(cfg, GOOD, None)
    out = run.promote_policy(cfg)
    assert out["outcome"] == "promoted" and out["aliases"] == {"challenger": "1", "champion": "1"}
    _challenger(client, "2")
    _eval_report(cfg, GOOD)
    out = run.promote_policy(cfg)
    assert out["aliases"] == {"challenger": "2", "champion": "2", "previous": "1"}
    hist = ma.history(client, NAME)
    assert [(h["version"], h["outcome"], h["champion_before"]) for h in hist] == [
        ("1", "promoted", None),
        ("2", "promoted", "1"),
    ]
    tags = client.get_model_version(NAME, "2").tags
    assert tags["rluf.decision_outcome"] == "promoted" and tags["rluf.gates_passed"] == "true"
    assert tags["rluf.gate.kl_budget"] == "pass 4.0 vs 10.0"
    rep = Lake(cfg.storage.lake).read_report("champion_policy")
    gates = {g["name"]: g for g in rep["decision"]["gates"]}
    assert (
        gates["p_love_gain"]["value"] == pytest.approx(0.010) and rep["aliases"]["champion"] == "2"
    )
    assert "## Gates" in open(Lake(cfg.storage.lake).report_path("champion_policy", "md")).read()


def test_refused_is_recorded_and_a_rerun_changes_nothing(cfg):
    client = add_versions(cfg, NAME, 2)
    force_promote(client, NAME, "1", "bootstrap")
    _challenger(client, "2")
    _eval_report(cfg, {**GOOD, "bait_rate": 0.05})
    out = run.promote_policy(cfg)
    assert (
        out["outcome"] == "refused"
        and out["aliases"]["champion"] == "1"
        and "previous" not in out["aliases"]
    )
    assert "bait rate 0.05 > cap 0.02" in out["decision"]["reason"]
    assert client.get_model_version(NAME, "2").tags["rluf.gate.bait_rate"] == "fail 0.05 vs 0.02"
    model_before = client.get_registered_model(NAME)
    again = run.promote_policy(cfg)
    assert again["decision"] == out["decision"] and again["report_written"] is False
    model_after = client.get_registered_model(NAME)
    assert model_after.tags == model_before.tags and model_after.aliases == model_before.aliases


def test_stale_report_and_missing_arm_are_refused_before_any_change(cfg):
    client = add_versions(cfg, NAME, 2)
    force_promote(client, NAME, "1", "bootstrap")
    _challenger(client, "2")
    _eval_report(cfg, GOOD, champion_version="7")
    with pytest.raises(PromotionError, match="compares champion version 7 but the champion is 1"):
        run.promote_policy(cfg)
    Lake(cfg.storage.lake).write_report("offline_eval_report", {"arms": {"challenger": GOOD}})
    with pytest.raises(PromotionError, match=r"missing key 'arms.champion'"):
        run.promote_policy(cfg)
    assert ma.aliases(client, NAME) == {"champion": "1", "challenger": "2"}


class CrashAfter:
    """An MlflowClient whose registry writes fail after `n` of them (a process killed mid-way)."""

    WRITES = {
        "set_registered_model_tag",
        "set_model_version_tag",
        "set_registered_model_alias",
        "delete_registered_model_alias",
        "delete_registered_model_tag",
    }

    def __init__(self, client, n):
        self.client, self.left = client, n

    def __getattr__(self, attr):
        fn = getattr(self.client, attr)
        if attr not in self.WRITES:
            return fn

        def write(*a, **k):
            if self.left == 0:
                raise RuntimeError("crash")
            self.left -= 1
            return fn(*a, **k)

        return write


def _state(client):
    m = client.get_registered_model(NAME)
    hist = [(h["id"], h["outcome"]) for h in ma.history(client, NAME)]
    return m.aliases, hist, client.get_model_version(NAME, "2").tags


@pytest.mark.parametrize("kind", ["gates", "rollback"])
def test_a_crash_at_any_write_is_completed_by_the_retry(cfg, tmp_path, kind):
    client = add_versions(cfg, NAME, 2)
    force_promote(client, NAME, "1", "bootstrap")
    _challenger(client, "2")
    report = {"arms": {"challenger": GOOD, "champion": CHAMPION}}
    if kind == "rollback":
        decide_policy(client, cfg, report)
    snapshot = (tmp_path / "home" / "mlflow" / "mlflow.db").read_bytes()

    def act(c):
        return (
            decide_policy(c, cfg, report)
            if kind == "gates"
            else rollback(c, NAME, request_id="run-1")
        )

    act(client)
    expected = _state(client)
    crashes = 0
    for n in range(0, 20):
        (tmp_path / "home" / "mlflow" / "mlflow.db").write_bytes(snapshot)
        try:
            act(CrashAfter(client, n))
        except RuntimeError:
            crashes += 1
            act(client)  # the retry
        else:
            break
        got = _state(client)
        assert got[:2] == expected[:2], f"crash after {n} writes"
        assert {k: v for k, v in got[2].items()} == expected[2]
    assert crashes >= 5  # pending, record, version tags, aliases, clear
    act(client)
    assert _state(client)[:2] == expected[:2]


def test_promote_bad_inputs_change_no_alias(cfg):
    client = add_versions(cfg, NAME, 2)
    force_promote(client, NAME, "1", "bootstrap")
    before = ma.aliases(client, NAME)
    with pytest.raises(PromotionError) as err:
        run.force_promote(cfg, NAME, "2", "  ")
    assert (
        str(err.value) == "promote rluf-policy version 2: a reason is mandatory (config 'reason')"
    )
    with pytest.raises(ma.RegistryError) as err:
        run.force_promote(cfg, NAME, "9", "hotfix")
    assert str(err.value) == "model 'rluf-policy' has no version '9'"
    with pytest.raises(PromotionError, match="model 'other' is not promoted by rluf"):
        run.force_promote(cfg, "other", "1", "hotfix")
    down = cfg.model_copy(deep=True)
    down.storage.mlflow_tracking_uri = "http://127.0.0.1:9"
    t0 = time.monotonic()
    with pytest.raises(ma.RegistryError) as err:
        run.force_promote(down, NAME, "2", "hotfix")
    assert str(err.value).startswith("MLflow registry http://127.0.0.1:9 is unreachable")
    assert "\n" not in str(err.value) and time.monotonic() - t0 < 10
    assert ma.aliases(client, NAME) == before


def test_forced_promote_is_recorded_and_retry_safe(cfg):
    client = add_versions(cfg, NAME, 3)
    first = run.force_promote(cfg, NAME, "2", "hotfix for incident 12", request_id="run-a")
    assert first["aliases"] == {"champion": "2"} and first["decision"]["kind"] == "forced"
    assert (
        client.get_model_version(NAME, "2").tags["rluf.forced_reason"] == "hotfix for incident 12"
    )
    run.force_promote(cfg, NAME, "3", "try 3", request_id="run-b")
    again = run.force_promote(cfg, NAME, "2", "hotfix for incident 12", request_id="run-a")
    assert (
        again["decision"]["id"] == first["decision"]["id"] and again["aliases"]["champion"] == "3"
    )
    assert len(ma.history(client, NAME)) == 2


def test_rollback_restores_the_previous_champion_and_it_loads(cfg):
    versions = [log_dummy_policy(cfg, NAME, f"reply of v{i}") for i in (1, 2, 3)]
    client = mlflow.MlflowClient(
        tracking_uri=cfg.storage.mlflow_uri, registry_uri=cfg.storage.mlflow_uri
    )
    for v in versions:
        run.force_promote(cfg, NAME, v, f"rollout {v}")
    assert ma.aliases(client, NAME) == {"champion": "3", "previous": "2"}
    out = run.roll_back(cfg, NAME, request_id="rb-1")
    assert out["aliases"] == {"champion": "2", "previous": "1"} and out["outcome"] == "rolled_back"
    model = mlflow.pyfunc.load_model(f"models:/{NAME}@champion")
    assert model.predict(pd.DataFrame({"prompt": ["hi"]})) == ["reply of v2"]
    assert (
        run.roll_back(cfg, NAME, request_id="rb-1")["aliases"]["champion"] == "2"
    )  # retried: same
    rep = json.loads(open(Lake(cfg.storage.lake).report_path("champion_policy")).read())
    assert rep["decision"]["kind"] == "rollback" and rep["history"][-1]["champion_after"] == "2"
    assert client.get_model_version(NAME, "3").tags["rluf.rolled_back"] == "true"
    run.roll_back(cfg, NAME)
    assert ma.aliases(client, NAME) == {"champion": "1"}
    with pytest.raises(PromotionError, match="no previous champion to restore"):
        run.roll_back(cfg, NAME)


def test_a_rolled_back_version_is_not_promoted_again_by_the_gates(cfg):
    client = add_versions(cfg, NAME, 2)
    force_promote(client, NAME, "1", "bootstrap")
    _challenger(client, "2")
    report = {"arms": {"challenger": GOOD, "champion": CHAMPION}}
    first = decide_policy(client, cfg, report)
    assert first["outcome"] == "promoted", first
    rollback(client, NAME)
    out = decide_policy(client, cfg, report)
    assert out["outcome"] == "refused" and "was rolled back" in out["reason"]
    assert ma.aliases(client, NAME)["champion"] == "1"


def test_p_love_challenger_needs_its_report_check_and_no_auroc_loss(cfg):
    name = "rluf-p-love"
    tags = [
        {"rluf.report_passed": "true", "rluf.test_auroc": "0.7000"},
        {"rluf.report_passed": "true", "rluf.test_auroc": "0.6990"},
        {"rluf.report_passed": "false", "rluf.test_auroc": "0.7500"},
        {"rluf.report_passed": "true", "rluf.test_auroc": "0.7010"},
    ]
    client = add_versions(cfg, name, 4, tags)
    outcomes = []
    for v in ("1", "2", "3", "4"):
        ma.set_alias(client, name, ma.CHALLENGER, v)
        out = run.promote_p_love(cfg)
        outcomes.append((v, out["outcome"], out["aliases"].get("champion")))
    assert outcomes == [
        ("1", "promoted", "1"),
        ("2", "refused", "1"),
        ("3", "refused", "1"),
        ("4", "promoted", "4"),
    ]
    rep = Lake(cfg.storage.lake).read_report("champion_p_love")
    gate = {g["name"]: g for g in rep["decision"]["gates"]}["test_auroc"]
    assert gate["value"] == pytest.approx(0.001) and rep["aliases"]["previous"] == "1"
    again = run.promote_p_love(cfg)
    assert again["outcome"] == "unchanged" and again["report_written"] is False
