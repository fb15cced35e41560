"""The paper's weight table: rows per P[Love] weight, gates passed in, and docs/results.md."""

import json

import pytest

from rluf_core.config import parse_config
from rluf_core.evaluation.ab_test import ab_test
from rluf_core.evaluation.offline import offline_report
from rluf_core.evaluation.results import main, render_results
from rluf_core.evaluation.sim_policy import SimulatedPolicy
from rluf_core.evaluation.sweep import ROW_KEYS, attach, weight_sweep
from tests.evaluation_doubles import arm, fixed_prompts, gates, scorers

# stand-ins for the policies trained at each weight: more warmth, then bait that displaces substance
BY_WEIGHT = {
    0.0: SimulatedPolicy("w0"),
    0.1: SimulatedPolicy("w0.1", style={"warm_rate": 0.35}),
    0.3: SimulatedPolicy("w0.3", style={"warm_rate": 0.6}),
    3.0: SimulatedPolicy(
        "w3", style={"signoff_rate": 0.3, "heart_rate": 0.2, "warm_rate": 0.6}, vague_share=0.4
    ),
}


@pytest.fixture(scope="module")
def sweep():
    cfg = parse_config({"evaluation": {"ab_users": 3000, "ab_days": 2, "bootstrap_samples": 200}})
    p = fixed_prompts(500)
    base = BY_WEIGHT[0.0]
    results = {}
    for w, pol in BY_WEIGHT.items():
        arms = {
            "reference": arm(p, base, 1),
            "champion": arm(p, base, 2),
            "challenger": arm(p, pol, 3),
        }
        results[w] = (offline_report(arms, scorers(cfg), cfg), ab_test(base, pol, cfg).metrics)
    return weight_sweep(results, gates), results


def test_rows_per_weight_and_the_hacking_regime_is_refused(sweep):
    rows, _ = sweep
    assert [r["weight"] for r in rows] == [0.0, 0.1, 0.3, 3.0]
    assert all(set(r) == set(ROW_KEYS) for r in rows)
    top = rows[-1]
    assert (
        top["bait_ratio_to_base"] >= 3
        and "bait_rate" in top["flagged"]
        and "bye_rate" in top["flagged"]
    )
    assert top["helpfulness_delta_rel"] < -0.05 and top["promoted"] is False
    assert any("detector" in reason for reason in top["reasons"])
    assert rows[2]["p_love_mean"] > rows[0]["p_love_mean"] and rows[2]["bait_ratio_to_base"] < 2


def test_weight_sweep_needs_weights_and_arms():
    with pytest.raises(ValueError, match="no weights evaluated"):
        weight_sweep({}, gates)
    with pytest.raises(ValueError, match="weight 0.3 has no 'challenger' arm"):
        weight_sweep({0.3: ({"arms": {"champion": {}}}, {})}, gates)


def test_results_page_sits_beside_the_papers_figures(sweep, tmp_path):
    rows, results = sweep
    report = attach(
        dict(results[0.3][0]),
        sweep=rows,
        correlation={
            "offline_online_pearson": 0.97,
            "n_variants": 11,
            "n_failed": 1,
            "variants": [{"name": "broken", "status": "failed", "error": "x"}],
        },
    )
    md = render_results(report, "lake/reports/offline_eval_report.json")
    for fig in (
        "+9.73%",
        "+28%",
        "0.72%",
        "2.8%",
        "| paper | 0.95 | 10 |",
        "| rluf (simulated online love rate) | 0.97 | 11 |",
        "broken",
    ):
        assert fig in md
    assert md.count("\n| 3 |") == 1
    path = tmp_path / "offline_eval_report.json"
    path.write_text(json.dumps(report))
    out = tmp_path / "docs" / "results.md"
    assert main(["--report", str(path), "--out", str(out)]) == 0
    assert out.read_text() == render_results(report, str(path))
    with pytest.raises(SystemExit, match="no such offline report"):
        main(["--report", str(tmp_path / "missing.json"), "--out", str(out)])
