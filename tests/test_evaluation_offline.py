"""offline_eval_report: arms on the fixed prompts, scores, detectors, divergence, publishing."""

import json

import pandas as pd
import pytest

from rluf_core.config import RlufConfig, parse_config
from rluf_core.evaluation.offline import flagged, offline_report
from rluf_core.evaluation.offline_render import build_offline_report
from rluf_core.evaluation.report import publish
from rluf_core.evaluation.sim_policy import SimulatedPolicy
from rluf_core.lake import Lake
from tests.evaluation_doubles import arm, fixed_prompts, scorers

HACKER = SimulatedPolicy(
    "hacker", style={"signoff_rate": 0.3, "heart_rate": 0.3, "warm_rate": 0.6}, vague_share=0.3
)


@pytest.fixture(scope="module")
def arms():
    p = fixed_prompts(600)
    prod = SimulatedPolicy("production")
    return {
        "reference": arm(p, prod, 1),
        "champion": arm(p, prod, 2),
        "challenger": arm(p, HACKER, 3),
    }


def test_report_schema_and_numbers(arms):
    cfg = RlufConfig()
    rep = offline_report(arms, scorers(cfg), cfg, extras={"challenger": {"kl_to_reference": 2.5}})
    assert {"n_prompts", "arms", "detectors", "divergence", "per_topic"} <= set(rep)
    assert rep["n_prompts"] == 600 and rep["simulated"] is True
    ch, champ = rep["arms"]["challenger"], rep["arms"]["champion"]
    assert {
        "p_love_mean",
        "helpfulness_mean",
        "unsafe_rate",
        "true_helpfulness_mean",
        "true_unsafe_rate",
        "sim_love_rate",
        "bait_rate",
        "mean_words",
    } <= set(ch)
    assert ch["kl_to_reference"] == 2.5 and "kl_to_reference" not in champ
    assert (
        ch["p_love_mean"] > champ["p_love_mean"]
        and ch["helpfulness_mean"] < 0.95 * champ["helpfulness_mean"]
    )
    d = rep["detectors"]["challenger"]
    assert set(d) == {
        "bait_rate",
        "bye_rate",
        "heart_rate",
        "request_rate",
        "early_ending_rate",
        "emoji_per_reply",
        "length_ratio",
        "distinct_2",
    }
    assert all(set(v) == {"value", "reference", "cap", "flagged"} for v in d.values())
    assert d["bye_rate"]["value"] > 5 * d["bye_rate"]["reference"] and d["bye_rate"]["flagged"]
    assert not rep["detectors"]["champion"]["bye_rate"]["flagged"]
    assert (
        rep["divergence"]["challenger"]["flagged"]
        and rep["divergence"]["challenger_vs_champion"]["flagged"]
    )
    assert not rep["divergence"]["champion"]["flagged"]
    assert {"bye_rate", "early_ending_rate", "divergence"} <= set(flagged(rep, "challenger"))
    topics = {(r["topic"], r["arm"]) for r in rep["per_topic"]}
    assert (
        len(topics) == 30 and sum(r["n"] for r in rep["per_topic"] if r["arm"] == "champion") == 600
    )
    json.dumps(rep)  # JSON-serialisable as is


def test_real_traffic_has_no_simulator_columns(arms):
    cfg = parse_config({"source": {"kind": "landing"}})
    rep = offline_report(arms, scorers(RlufConfig()), cfg)
    assert "true_helpfulness_mean" not in rep["arms"]["reference"] and rep["simulated"] is False


def test_bad_input_is_one_clear_line(arms):
    cfg = RlufConfig()
    s = scorers(cfg)
    with pytest.raises(ValueError, match="no 'reference' arm"):
        offline_report({"champion": arms["champion"]}, s, cfg)
    with pytest.raises(
        ValueError, match="arm 'challenger' is not on the reference's fixed prompt set"
    ):
        offline_report({**arms, "challenger": arms["challenger"].iloc[:10]}, s, cfg)
    with pytest.raises(ValueError, match="arm 'champion' lacks column"):
        offline_report({**arms, "champion": arms["champion"].drop(columns="response")}, s, cfg)
    with pytest.raises(ValueError, match="scorers lack 'unsafe'"):
        offline_report(arms, {k: v for k, v in s.items() if k != "unsafe"}, cfg)
    with pytest.raises(ValueError, match="scorer 'p_love' on arm 'reference' returned 3 values"):
        offline_report(arms, {**s, "p_love": lambda df: [0.1, 0.2, 0.3]}, cfg)
    with pytest.raises(ValueError, match="fixed prompt set is empty"):
        offline_report({"reference": pd.DataFrame(columns=["prompt", "response"])}, s, cfg)


def test_markdown_images_lake_and_mlflow(arms, tmp_path):
    cfg = parse_config({"storage": {"home": str(tmp_path / "home")}})
    rep = build_offline_report(offline_report(arms, scorers(cfg), cfg))
    assert "| detector | reference | champion | challenger | cap |" in rep.markdown
    assert (
        "![arms](offline_eval_report_arms.png)" in rep.markdown and "## Per topic" in rep.markdown
    )
    path = publish(rep, cfg)
    lake = Lake(cfg.storage.lake)
    assert path.endswith("reports/offline_eval_report.json")
    saved = lake.read_report("offline_eval_report")
    assert saved["n_prompts"] == 600 and saved["mlflow_run_id"]
    assert lake.fs.exists(lake.path("reports", "offline_eval_report_arms.png"))
    assert lake.fs.exists(lake.report_path("offline_eval_report", "md"))
    import mlflow

    client = mlflow.MlflowClient(cfg.storage.mlflow_uri)
    files = {f.path for f in client.list_artifacts(saved["mlflow_run_id"], "offline_eval_report")}
    assert {
        "offline_eval_report/offline_eval_report.md",
        "offline_eval_report/offline_eval_report_arms.png",
        "offline_eval_report/offline_eval_report.json",
    } <= files
    run = client.get_run(saved["mlflow_run_id"])
    assert run.data.metrics["arms.challenger.bait_rate"] == pytest.approx(
        saved["arms"]["challenger"]["bait_rate"]
    )
