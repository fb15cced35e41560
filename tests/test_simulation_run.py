"""simulate(): landing files in the DESIGN format, determinism, rates, adversaries and true labels."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from rluf_core.config import parse_config
from rluf_core.lake import Lake
from rluf_core.simulation import simulate
from rluf_core.simulation.stats import read_landing, scenario_stats

START = dt.date(2026, 1, 1)
DAYS = [START + dt.timedelta(days=i) for i in range(3)]
SIM = {"n_users": 1500, "turns_per_day": 6000, "days": 3}


def _cfg(home: Path, **sim):
    return parse_config(
        {
            "storage": {"home": str(home)},
            "source": {"start_date": START.isoformat(), "simulator": {**SIM, **sim}},
        }
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    cfg = _cfg(tmp_path_factory.mktemp("sim") / "rluf")
    summary = simulate(cfg, progress=False)
    return cfg, summary


def _files(home: Path) -> dict[str, bytes]:
    return {str(p.relative_to(home)): p.read_bytes() for p in sorted(home.rglob("*.parquet"))}


def test_landing_files_have_the_design_columns(run):
    cfg, summary = run
    lake = Lake(cfg.storage.lake)
    assert lake.landing_days("turns") == [d.isoformat() for d in DAYS]
    assert lake.landing_days("reactions") == [d.isoformat() for d in DAYS]
    turns = pq.read_table(lake.landing_files("turns", DAYS[0])[0])
    assert turns.column_names == [
        "turn_id",
        "conversation_id",
        "user_id",
        "ts",
        "prompt",
        "response",
        "context",
        "policy_version",
        "lang",
        "surface",
        "topic",
    ]
    assert str(turns.schema.field("ts").type) == "timestamp[ms, tz=UTC]"
    assert turns.num_rows == SIM["turns_per_day"]
    reactions = pq.read_table(lake.landing_files("reactions", DAYS[1])[0])
    assert reactions.column_names == ["event_id", "turn_id", "user_id", "ts", "reaction", "action"]
    assert str(reactions.schema.field("ts").type) == "timestamp[ms, tz=UTC]"
    df = turns.to_pandas()
    assert df["turn_id"].is_unique
    assert (df["ts"].dt.date == DAYS[0]).all()
    ctx = [json.loads(c) for c in df["context"]]
    assert all(isinstance(c, list) and all(set(m) == {"role", "text"} for m in c) for c in ctx)
    assert sum(len(c) > 0 for c in ctx) > 0.3 * len(ctx)
    r = reactions.to_pandas()
    assert set(r["action"]) == {"add", "remove"}
    assert {"love", "thumbs_up", "thumbs_down"} <= set(r["reaction"])


def test_same_seed_gives_byte_identical_files_other_seed_differs(run, tmp_path):
    cfg, _ = run
    home = Path(cfg.storage.home)
    again = _cfg(tmp_path / "again")
    simulate(again, progress=False)
    assert _files(home) == _files(Path(again.storage.home))
    other = _cfg(tmp_path / "other", seed=8)
    simulate(other, progress=False)
    a, b = _files(home), _files(Path(other.storage.home))
    assert a.keys() == b.keys() and all(a[k] != b[k] for k in a)


def test_one_day_resimulated_alone_is_identical(run, tmp_path):
    cfg, _ = run
    alone = _cfg(tmp_path / "alone")
    simulate(alone, days=[DAYS[2]], progress=False)
    for kind in ("turns", "reactions"):
        a = Path(Lake(cfg.storage.lake).landing_dir(kind, DAYS[2])) / "part-0.parquet"
        b = Path(Lake(alone.storage.lake).landing_dir(kind, DAYS[2])) / "part-0.parquet"
        assert a.read_bytes() == b.read_bytes(), kind


def test_rates_match_the_config(run):
    cfg, _ = run
    sim = cfg.source.simulator
    s = scenario_stats(cfg)
    assert abs(s["love_rate_honest"] - sim.love_rate) < 0.3 * sim.love_rate
    assert 0.02 <= s["love_rate"] <= 0.06
    assert s["reacting_share_of_users"] < 0.5  # most users never react
    adv = sim.bot_share + sim.brigade_share + sim.troll_share
    assert adv * 0.8 <= s["adversarial_share_of_reacting_users"] <= adv * 1.6
    assert s["adversarial_share_of_reacting_users"] >= 0.10
    assert s["adversarial_share_of_positive_labels"] > 0.10
    assert abs(s["duplicate_row_rate"] - 1.2 * sim.retry_rate) < 0.5 * sim.retry_rate
    assert abs(s["late_event_share"] - sim.late_rate) < 0.4 * sim.late_rate
    assert 0 < s["unknown_turn_event_share"] < 0.01
    assert s["non_receiver_event_share"] > 0.01
    assert s["love_events_outside_window_share"] > 0
    assert s["ceiling_auroc_text_honest"] < s["auroc_user_level_honest"]
    assert abs(s["corr_p_love_text_length"]) < 0.15


def test_adversaries_behave_as_configured(run):
    cfg, _ = run
    gt = Lake(cfg.storage.ground_truth)
    ev = gt.read_dataset("reactions")
    turns = gt.read_dataset("turns")
    love = ev[(ev["reaction"] == "love") & (ev["action"] == "add") & ev["is_receiver"]]
    lat = (love["ts"] - love["turn_ts"]).dt.total_seconds()
    assert lat[love["actor_kind"] == "bot"].median() < 2.0
    assert lat[love["actor_kind"] == "honest"].median() > 10.0
    rate = turns.groupby("user_kind")["loved"].mean()
    assert rate["bot"] > 0.8 and rate["honest"] < 0.05
    # trolls love unhelpful replies, honest users helpful ones
    tl = turns[turns["user_kind"] == "troll"]
    hl = turns[turns["user_kind"] == "honest"]
    assert tl.loc[tl["loved"], "helpfulness"].mean() < tl["helpfulness"].mean() - 0.1
    assert hl.loc[hl["loved"], "helpfulness"].mean() > hl["helpfulness"].mean() + 0.1
    # brigades love their target content inside raids
    br = turns[(turns["user_kind"] == "brigade") & turns["loved"]]
    assert br["in_raid"].mean() > 0.7
    # mostly own turns: other users' reactions exist but are a minority
    assert ev["is_receiver"].mean() > 0.8


def test_bots_slow_down_after_the_shift_day(tmp_path):
    cfg = _cfg(tmp_path / "shift", bot_shift_day=1, n_users=800, turns_per_day=2000)
    simulate(cfg, progress=False)
    ev = Lake(cfg.storage.ground_truth).read_dataset("reactions")
    bot = ev[(ev["actor_kind"] == "bot") & (ev["action"] == "add") & ev["is_receiver"]]
    lat = (bot["ts"] - bot["turn_ts"]).dt.total_seconds()
    day = bot["turn_ts"].dt.date
    assert lat[day == DAYS[0]].median() < 2.0 < 20.0 < lat[day == DAYS[2]].median()


def _recompute(turns: pd.DataFrame, events: pd.DataFrame, window: pd.Timedelta) -> set[str]:
    """Independent DESIGN "Labels" rule: plain loop, receiving user only, dedupe by event_id."""
    recv = dict(zip(turns["turn_id"], zip(turns["user_id"], turns["ts"])))
    seen, state, last_ts = set(), {}, {}
    for e in events.sort_values("ts", kind="stable").itertuples(index=False):
        if e.event_id in seen or e.reaction != "love" or e.turn_id not in recv:
            continue
        seen.add(e.event_id)
        user, ts = recv[e.turn_id]
        if e.user_id != user or e.ts > ts + window:
            continue
        assert last_ts.get(e.turn_id) != e.ts, "two events with identical ts for one key"
        last_ts[e.turn_id] = e.ts
        state[e.turn_id] = e.action == "add"
    return {t for t, v in state.items() if v}


def test_true_labels_match_an_independent_recomputation_from_the_landing_events(run):
    cfg, _ = run
    lake, gt = Lake(cfg.storage.lake), Lake(cfg.storage.ground_truth)
    turns = read_landing(lake, "turns")
    events = read_landing(lake, "reactions")
    truth = gt.read_dataset("turns")
    window = pd.Timedelta(hours=cfg.labels.window_hours)
    loved = _recompute(turns, events, window)
    # the first day's events have all landed by the last day
    t0 = truth[truth["ts"].dt.date == DAYS[0]]
    assert set(t0.loc[t0["loved"], "turn_id"]) == loved & set(t0["turn_id"])
    # every day, against all generated events in the ground truth (some land after the last day)
    assert set(truth.loc[truth["loved"], "turn_id"]) == _recompute(
        truth, gt.read_dataset("reactions"), window
    )
    # retries repeat the whole row; unknown turns and other users' reactions are marked
    dup = events[events.duplicated("event_id", keep=False)]
    assert (
        len(dup)
        and (dup.groupby("event_id").nunique(dropna=False).drop(columns="landing_date") == 1)
        .all()
        .all()
    )
    gev = gt.read_dataset("reactions")
    assert not gev.loc[gev["unknown_turn"], "turn_id"].isin(truth["turn_id"]).any()
    assert not gev.loc[~gev["unknown_turn"], "turn_id"].isin(truth["turn_id"]).eq(False).any()


def test_late_events_land_on_the_next_day(run):
    cfg, _ = run
    gev = Lake(cfg.storage.ground_truth).read_dataset("reactions")
    late = gev[gev["late"]]
    assert len(late) and (pd.to_datetime(late["arrival_date"]).dt.date > late["ts"].dt.date).all()
    on_time = gev[~gev["late"]]
    assert (pd.to_datetime(on_time["arrival_date"]).dt.date == on_time["ts"].dt.date).all()
    assert (gev["ts"] >= gev["turn_ts"]).where(gev["turn_ts"].notna(), True).all()


def test_ground_truth_users_and_turns(run):
    cfg, _ = run
    gt = Lake(cfg.storage.ground_truth)
    users = gt.read_dataset("users")
    assert set(users["kind"]) == {"honest", "bot", "brigade", "troll"}
    assert users.loc[users["kind"] == "brigade", "group_id"].notna().all()
    assert users.loc[users["kind"] != "brigade", "group_id"].isna().all()
    t = gt.read_dataset("turns")
    assert t["helpfulness"].between(0, 1).all() and t["p_love_text"].between(0, 1).all()
    assert t["unsafe"].dtype == bool and 0 < t["unsafe"].mean() < 0.05
    assert (t["loved_adversarial"] == (t["loved"] & (t["user_kind"] != "honest"))).all()
    assert np.isfinite(t["p_love_user"]).all()


def test_simulator_refuses_a_landing_zone_of_real_traffic(tmp_path):
    cfg = parse_config({"storage": {"home": str(tmp_path)}, "source": {"kind": "landing"}})
    with pytest.raises(ValueError, match="source.kind is 'landing'.*holds real traffic"):
        simulate(cfg, progress=False)
    assert not Lake(cfg.storage.lake).landing_days("turns")


@pytest.mark.parametrize(
    "sim, words",
    [
        (
            {"brigade_window_minutes": 2000},
            "brigade_window_minutes: Input should be less than or equal to 720",
        ),
        ({"seed": 2**32 + 7}, "source.simulator.seed: Input should be less than"),
        ({"love_rate": 0.3, "reactor_share": 0.1}, "love_rate 0.3 must be below reactor_share 0.1"),
    ],
)
def test_impossible_simulator_settings_fail_at_load_naming_the_key(tmp_path, sim, words):
    with pytest.raises(ValueError, match=words):
        _cfg(tmp_path, **sim)


@pytest.mark.parametrize(
    "sim, words",
    [
        ({"n_users": 3, "turns_per_day": 50}, "none of the 3 honest users reacts"),
        (
            {"love_rate": 0.45, "reactor_share": 0.5, "n_users": 400, "turns_per_day": 500},
            "love_rate 0.45 cannot be reached",
        ),
    ],
)
def test_settings_the_population_cannot_meet_are_named(tmp_path, sim, words):
    with pytest.raises(ValueError, match=words):
        simulate(_cfg(tmp_path, **sim), progress=False)
