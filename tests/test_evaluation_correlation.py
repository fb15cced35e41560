"""Offline predicts online: Pearson r across policy variants; failed variants are reported."""

import pytest

from rluf_core.config import parse_config
from rluf_core.evaluation.correlation import offline_online, pearson
from rluf_core.evaluation.sim_policy import SimulatedPolicy, variant_family
from tests.evaluation_doubles import fixed_prompts, scorers


class Broken:
    name = "broken_checkpoint"

    def generate(self, prompts, contexts, *, seed=0):
        raise FileNotFoundError("model.safetensors")


def _cfg():
    return parse_config({"evaluation": {"ab_users": 10000, "variant_users": 10000}})


def test_offline_p_love_predicts_online_love_over_eleven_variants_and_a_failure():
    cfg = _cfg()
    variants = variant_family(cfg.source.simulator)
    res = offline_online([*variants, Broken()], fixed_prompts(1000), scorers(cfg, noise=0.05), cfg)
    assert res["n_variants"] == 11 and res["n_failed"] == 1 and res["online_turns"] == 10000
    assert res["offline_online_pearson"] >= 0.95
    failed = [v for v in res["variants"] if v["status"] == "failed"]
    assert failed == [
        {
            "name": "broken_checkpoint",
            "status": "failed",
            "error": "RuntimeError: correlation (fixed prompts): policy 'broken_checkpoint' failed "
            "to generate 1000 replies: FileNotFoundError: model.safetensors",
        }
    ]
    rates = {v["name"]: v["online_love_rate"] for v in res["variants"] if v["status"] == "ok"}
    assert rates["vague_70"] < rates["production"] < rates["warm_x3"]


def test_pearson_needs_three_points_with_spread():
    assert pearson([1, 2], [1, 2]) is None and pearson([1, 1, 1], [1, 2, 3]) is None
    assert pearson([1, 2, 3], [2, 4, 6.5]) == pytest.approx(0.99795, abs=1e-4)


def test_bad_input():
    cfg = _cfg()
    p = fixed_prompts(20)
    with pytest.raises(ValueError, match="names repeat"):
        offline_online([SimulatedPolicy("a"), SimulatedPolicy("a")], p, scorers(cfg), cfg)
    with pytest.raises(ValueError, match="prompt set is empty"):
        offline_online([SimulatedPolicy("a")], p.iloc[:0], scorers(cfg), cfg)
    with pytest.raises(ValueError, match="source.kind is 'landing'"):
        offline_online(
            [SimulatedPolicy("a")], p, scorers(cfg), parse_config({"source": {"kind": "landing"}})
        )
