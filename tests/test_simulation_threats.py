"""The simulator's other threat kinds (issue 31): off by default, switchable, truth kept apart."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from rluf_core.config import parse_config
from rluf_core.config.source import SimulatorConfig
from rluf_core.simulation import simulate_day
from rluf_core.simulation.population import make_population
from rluf_core.simulation.writer import landing_reactions, landing_turns

THREATS = {
    "content_share": 0.04,
    "human_bot_share": 0.03,
    "sleeper_share": 0.03,
    "slow_troll_share": 0.03,
    "adaptive_share": 0.03,
    "sleeper_wake_day": 1,
}


def _cfg(tmp_path, threats=None, **sim):
    s = {"days": 2, "turns_per_day": 2500, "n_users": 1500, **sim}
    if threats is not None:
        s["threats"] = threats
    return parse_config({"storage": {"home": str(tmp_path)}, "source": {"simulator": s}})


def test_threats_are_off_by_default():
    assert not SimulatorConfig().threats.enabled
    cfg = SimulatorConfig(n_users=1500)
    kinds = set(make_population(cfg).users["kind"])
    assert kinds <= {"honest", "bot", "brigade", "troll"}


def test_zero_shares_change_nothing(tmp_path):
    day = dt.date(2026, 1, 1)
    a, ea = simulate_day(_cfg(tmp_path), day)
    b, eb = simulate_day(_cfg(tmp_path, {"content_share": 0.0, "content_love": 0.5}), day)
    assert a.equals(b) and ea.equals(eb)


def test_unknown_target_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="target"):
        _cfg(tmp_path, {"content_share": 0.02, "content_targets": ["nonsense"]})


def test_each_kind_behaves_as_described(tmp_path):
    cfg = _cfg(tmp_path, THREATS)
    users = make_population(cfg.source.simulator).users
    counts = users["kind"].value_counts()
    for k in ("content", "human_bot", "sleeper", "slow_troll", "adaptive"):
        assert counts.get(k, 0) >= 5, (k, counts.to_dict())
    day0, day1 = dt.date(2026, 1, 1), dt.date(2026, 1, 2)
    t0, _ = simulate_day(cfg, day0)
    t1, ev = simulate_day(cfg, day1)
    # the landing zone does not say who is who
    assert "user_kind" not in landing_turns(t1).columns
    assert "actor_kind" not in landing_reactions(ev.assign(arrival_offset=0)).columns
    loves = ev[(ev["reaction"] == "love") & (ev["action"] == "add") & ev["is_receiver"]]
    lat = (loves["ts_ms"] - loves["turn_ts_ms"]) / 1000
    hb = loves["actor_kind"] == "human_bot"
    assert hb.sum() > 10 and lat[hb].between(2.0, 60.0).all()
    assert lat[hb].median() > 5.0  # no sub-second bot latency
    own = loves[loves["cause"] == "love"]
    per_user = own[own["actor_kind"] == "adaptive"].groupby("user_idx").size()
    assert per_user.max() <= cfg.source.simulator.threats.adaptive_daily_cap
    # sleepers are honest before their wake day, campaign accounts after it
    sl0 = t0.loc[t0["user_kind"] == "sleeper", "p_love_user"]
    sl1 = t1.loc[t1["user_kind"] == "sleeper", "p_love_user"]
    assert sl0.max() < 0.9 and (np.isclose(sl1, 0.9) | np.isclose(sl1, 0.02)).all()
    # content accounts love their target and almost nothing else
    c = t1[t1["user_kind"] == "content"]
    assert set(np.round(c["p_love_user"], 3)) <= {0.9, 0.02}
    # human bots love indiscriminately
    assert t1.loc[t1["user_kind"] == "human_bot", "p_love_user"].eq(0.8).all()
