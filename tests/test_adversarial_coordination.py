"""Label-level filter of coordinated bursts, the latent-class posteriors (coordination, inverted raters), the quality fit sample."""

import numpy as np
import pandas as pd
import pytest

from rluf_core.adversarial.bursts import COORDINATED_COLUMNS
from rluf_core.adversarial.coordination import (
    BURST_COLUMNS,
    burst_latency_cells,
    coordination_posterior,
)
from rluf_core.adversarial.daily_stats import compute_daily_aggregates
from rluf_core.adversarial.evaluation import best_recall_at_precision
from rluf_core.adversarial.synthetic import Scenario, generate
from rluf_core.adversarial.trolls import (
    HIST_COLUMNS,
    N_BINS,
    hist_columns,
    reaction_cells,
    split_classes,
    troll_posterior,
)
from rluf_core.config import parse_config
from rluf_core.feedback import build_feedback_dataset

CFG = parse_config({})
NO_REP = pd.DataFrame(columns=["user_id", "flagged", "kind", "reason", "reputation"])


def _coordinated(sc: Scenario):
    data = generate(sc)
    turns, rx = data["labeled_turns"], data["clean_reactions"]
    d_t, d_r = turns["ts"].dt.strftime("%Y-%m-%d"), rx["ts"].dt.strftime("%Y-%m-%d")
    out = []
    for day in sorted(d_t.unique()):
        t = turns[(d_t == day) | turns["turn_id"].isin(rx.loc[d_r == day, "turn_id"])]
        out.append(compute_daily_aggregates(day, t, rx[d_r == day], CFG)[2])
    return data, pd.concat(out, ignore_index=True)


def _kind_of_positives(data, df):
    kind = data["truth_users"].set_index("user_id")["kind"]
    pos = data["labeled_turns"][data["labeled_turns"]["label"] == 1]
    kept = df[df["label"] == 1]
    return pos["user_id"].map(kind), kept["user_id"].map(kind)


@pytest.fixture(scope="module")
def brigaded():
    return _coordinated(
        Scenario(
            days=3,
            turns_per_day=5000,
            n_honest=2500,
            n_bots=0,
            n_brigades=2,
            brigade_size=8,
            n_trolls=0,
            seed=11,
        )
    )


def test_coordinated_rows_have_the_contract_columns(brigaded):
    _, co = brigaded
    assert list(co.columns) == COORDINATED_COLUMNS
    assert len(co) and co["excess_share"].between(0, 1).all()
    assert co["key"].str.startswith(("topic:", "safety:unsafe")).all()
    assert not co.duplicated(["turn_id", "user_id"]).any()


def test_label_filter_drops_brigade_loves_without_user_flags(brigaded):
    data, co = brigaded
    df, report = build_feedback_dataset(data["labeled_turns"], NO_REP, CFG, co)
    before, after = _kind_of_positives(data, df)
    assert (before == "brigade").sum() > 50
    assert (after == "brigade").sum() <= 0.1 * (before == "brigade").sum(), report["removed"]
    assert (after == "honest").sum() >= 0.98 * (before == "honest").sum()
    assert report["removed"]["coordinated_burst"]["positive"] >= 0.9 * (before == "brigade").sum()
    # weight mode keeps the rows, cutting their weight by the burst's excess share
    cfg_w = parse_config({"adversarial": {"brigade": {"label_filter": "weight"}}})
    dw, _ = build_feedback_dataset(data["labeled_turns"], NO_REP, cfg_w, co)
    assert (
        len(dw) == len(data["labeled_turns"])
        and dw.loc[dw["coordinated_excess"] > 0, "weight"].lt(1).all()
    )


def test_label_filter_spares_honest_traffic():
    data, co = _coordinated(
        Scenario(
            days=3, turns_per_day=5000, n_honest=2500, n_bots=0, n_brigades=0, n_trolls=0, seed=12
        )
    )
    df, _ = build_feedback_dataset(data["labeled_turns"], NO_REP, CFG, co)
    before, after = _kind_of_positives(data, df)
    assert len(after) >= 0.98 * len(
        before
    )  # chance bursts on sparse content kinds cost a few labels


def _features(rng, n_honest, n_troll, reactions=4, mu=0.5):
    """Users' rated loves as (class, quality-z bin) counts: honest around +mu (with taste), trolls around -mu."""
    n = rng.integers(1, 2 * reactions, n_honest + n_troll)
    sign = np.r_[np.ones(n_honest), -np.ones(n_troll)]
    taste = rng.normal(0, 0.2, len(n))
    counts = np.zeros((len(n), len(HIST_COLUMNS)), dtype=np.int64)
    z = [rng.normal(sign[i] * mu + taste[i], 1.0, n[i]) for i in range(len(n))]
    for i, zi in enumerate(z):
        np.add.at(counts[i], reaction_cells(np.full(len(zi), "love"), zi), 1)
    f = pd.DataFrame(counts, columns=HIST_COLUMNS).assign(
        n_rated=n, agreement_mean=[x.mean() for x in z]
    )
    return f, sign < 0


def test_troll_posterior_finds_inverted_raters_and_nobody_without_them():
    rng = np.random.default_rng(0)
    f, troll = _features(rng, 3000, 150, reactions=8, mu=1.0)
    p = troll_posterior(f, CFG.adversarial)
    flag = (p["troll_posterior"] >= 0.9) & (f["n_rated"] >= 2)
    assert 0.02 < p["pi"].iloc[0] < 0.1
    assert p["agreement_troll"].iloc[0] < 0 < p["agreement_honest"].iloc[0]
    assert flag[troll].mean() >= 0.5 and troll[flag].mean() >= 0.9
    # accounts another detector explains are left out (posterior 0)
    ex = pd.Series(troll, index=f.index)
    assert (troll_posterior(f, CFG.adversarial, exclude=ex)["troll_posterior"][troll] == 0).all()
    f0, _ = _features(rng, 3000, 0, reactions=8, mu=1.0)
    p0 = troll_posterior(f0, CFG.adversarial)
    # without inverted raters EM still finds a class that agrees less (a taste): it does not rate against the
    # quality signal (troll.max_agreement 0), so nobody gets a posterior
    assert (p0["troll_posterior"] == 0).all()
    lax = CFG.adversarial.model_copy(deep=True)
    lax.troll.max_agreement = 10.0  # any class that agrees less than the honest one counts
    p_lax = troll_posterior(f0, lax)
    assert 0 < p_lax["agreement_troll"].iloc[0] < p_lax["agreement_honest"].iloc[0]
    assert ((p_lax["troll_posterior"] >= 0.9) & (f0["n_rated"] >= 2)).mean() < 0.01
    # no consensus to invert (the population rates against its own quality signal): nothing flagged
    mirrored = f0.copy()
    mirrored[HIST_COLUMNS] = f0[
        [HIST_COLUMNS[i] for i in range(len(HIST_COLUMNS) // 3 - 1, -1, -1)]
        + HIST_COLUMNS[len(HIST_COLUMNS) // 3 :]
    ].to_numpy()
    assert (troll_posterior(mirrored, CFG.adversarial)["troll_posterior"] == 0).all()


def _with_safety(rng, f, troll, p_unsafe_honest, p_unsafe_troll):
    """Each user's loves split by the safety of the reply: unsafe with a per-kind probability."""
    n = f["n_rated"].to_numpy()
    unsafe = rng.binomial(n, np.where(troll, p_unsafe_troll, p_unsafe_honest))
    return f.assign(cs_safe=n - unsafe, cs_unsafe=unsafe)


def test_troll_safety_view_is_learnt_from_the_population():
    from rluf_core.adversarial.trolls import fit_trolls

    rng = np.random.default_rng(4)
    f, troll = _features(rng, 3000, 150, reactions=4, mu=0.5)  # weak quality evidence alone
    on, off = CFG.adversarial, CFG.adversarial.model_copy(deep=True)
    off.troll.unsafe_view = False
    # inverted raters who also love what the safety judge vetoes: the view sharpens the posterior
    fs = _with_safety(rng, f, troll, 0.02, 0.3)
    fit = fit_trolls(fs, on)
    assert (
        fit.f_adversarial[-1] / fit.f_adversarial[-2:].sum()
        > 3 * fit.f_ordinary[-1] / fit.f_ordinary[-2:].sum()
    )
    rec, prec = {}, {}
    for name, cfg in (("on", on), ("off", off)):
        p = troll_posterior(fs, cfg)
        flag = (p["troll_posterior"] >= 0.9) & (fs["n_rated"] >= 2)
        rec[name], prec[name] = flag[troll].mean(), troll[flag].mean()
    # measured (seed 4): on R 0.33 at P 0.98; off R 0.14 at P 0.75
    assert prec["on"] >= 0.9 and prec["on"] > prec["off"] and rec["on"] > rec["off"] + 0.1, (
        rec,
        prec,
    )
    # the same unsafe share in both kinds: the view learns nothing and changes little
    same = _with_safety(rng, f, troll, 0.05, 0.05)
    p_on, p_off = (
        troll_posterior(same, on)["troll_posterior"],
        troll_posterior(same, off)["troll_posterior"],
    )
    assert np.abs(p_on - p_off).mean() < 0.02
    assert ((p_on >= 0.9) & (same["n_rated"] >= 2) & ~troll).mean() < 0.01


def test_quality_fit_can_leave_out_accounts_flagged_the_day_before(tmp_path):
    from rluf_core.adversarial.reputation import build_user_reputation, update_daily_stats
    from rluf_core.adversarial.synthetic import write_lake
    from rluf_core.lake import Lake

    data = generate(
        Scenario(
            days=3,
            turns_per_day=3000,
            n_honest=1500,
            n_bots=10,
            n_brigades=1,
            brigade_size=6,
            n_trolls=10,
            seed=13,
        )
    )
    lake = Lake(str(tmp_path / "lake"))
    days = write_lake(lake, data)
    cfg = parse_config({"adversarial": {"quality": {"exclude_flagged": True}}})
    build_user_reputation(lake, cfg, days[1])
    out = update_daily_stats(lake, cfg, days[2])
    assert out["computed"] and out["quality_excluded"] > 0


def _burst_counts(rng, n_ordinary, n_coordinated):
    """Positive reactions as (inside a burst, latency) cells: ordinary accounts rarely in bursts and slow,
    coordinated ones mostly in bursts and fast."""
    n = rng.integers(1, 6, n_ordinary + n_coordinated)
    coord = np.r_[np.zeros(n_ordinary, bool), np.ones(n_coordinated, bool)]
    counts = np.zeros((len(n), len(BURST_COLUMNS)), dtype=np.int64)
    for i in range(len(n)):
        burst = rng.random(n[i]) < (0.8 if coord[i] else 0.01)
        lat = rng.lognormal(np.log(8.0 if coord[i] else 30.0), 0.4 if coord[i] else 1.0, n[i])
        np.add.at(counts[i], burst_latency_cells(burst, lat), 1)
    return pd.DataFrame(counts, columns=BURST_COLUMNS), coord


def test_coordination_posterior_finds_burst_reactors_and_nobody_without_them():
    rng = np.random.default_rng(3)
    f, coord = _burst_counts(rng, 4000, 200)
    p = coordination_posterior(f, CFG.adversarial)
    flag = p["coord_posterior"] >= 0.9
    assert p["burst_share_coordinated"].iloc[0] > 0.5 > 0.05 > p["burst_share_ordinary"].iloc[0]
    assert flag[coord].mean() >= 0.8 and coord[flag].mean() >= 0.95
    # an account with no reaction inside a burst is never called coordinated
    assert (
        p.loc[
            f[[c for c in BURST_COLUMNS if c.startswith("cb_1_")]].sum(axis=1) == 0,
            "coord_posterior",
        ]
        == 0
    ).all()
    f0, _ = _burst_counts(rng, 4000, 0)
    assert (coordination_posterior(f0, CFG.adversarial)["coord_posterior"] >= 0.9).mean() < 0.01


def test_quality_fit_sample_keeps_positives_and_undoes_the_negative_sampling():
    from rluf_core.adversarial.quality import quality_fit_sample

    lab = pd.DataFrame(
        {"turn_id": [f"t{i}" for i in range(1000)], "label": [1] * 50 + [0] * 940 + [None] * 10}
    )
    s = quality_fit_sample(lab, max_rows=250, seed=0)
    assert len(s) == 250 and s["label"].sum() == 50  # every positive, unlabelled rows left out
    neg = s[s["label"] == 0]
    assert (
        neg["fit_weight"].sum() == pytest.approx(940)
        and (s.loc[s["label"] == 1, "fit_weight"] == 1).all()
    )
    assert quality_fit_sample(lab, max_rows=250, seed=0).equals(s)  # seeded


def test_unsafe_view_is_learnt_from_the_population():
    """Coordinated accounts that also love unsafe replies: the view adds evidence; a view that does not
    tell the classes apart changes (almost) nothing; off, the model is the burst x latency one."""
    rng = np.random.default_rng(4)
    f, coord = _burst_counts(rng, 4000, 200)
    n = f[BURST_COLUMNS].sum(axis=1).to_numpy()
    off_cfg = parse_config({"adversarial": {"brigade": {"unsafe_view": False}}}).adversarial
    off = coordination_posterior(f, off_cfg)["coord_posterior"]
    unsafe = rng.binomial(n, np.where(coord, 0.7, 0.01))
    on = coordination_posterior(f.assign(cs_unsafe=unsafe, cs_safe=n - unsafe), CFG.adversarial)[
        "coord_posterior"
    ]
    assert (on[coord] >= 0.9).mean() > (off[coord] >= 0.9).mean()
    assert (on[~coord] >= 0.9).mean() <= (off[~coord] >= 0.9).mean() + 0.002
    same = rng.binomial(n, 0.05)
    flat = coordination_posterior(f.assign(cs_unsafe=same, cs_safe=n - same), CFG.adversarial)[
        "coord_posterior"
    ]
    assert ((flat >= 0.9) == (off >= 0.9)).mean() > 0.99


def test_latent_class_blocks_are_separate_multinomials():
    from rluf_core.adversarial.latent_class import fit_two_class, score

    rng = np.random.default_rng(5)
    bad = np.r_[np.zeros(900, bool), np.ones(100, bool)]
    a = np.where(
        bad[:, None], rng.multinomial(4, [0.2, 0.8], 1000), rng.multinomial(4, [0.8, 0.2], 1000)
    )
    b = np.where(
        bad[:, None], rng.multinomial(30, [0.3, 0.7], 1000), rng.multinomial(3, [0.7, 0.3], 1000)
    )
    counts = np.c_[a, b].astype(
        float
    )  # block b: bad users have 10x the counts, which must not count by itself
    fit = fit_two_class(
        counts, np.array([1.0, 3.0, 1.0, 3.0]), blocks=np.array([0, 0, 1, 1]), prior_share=0.05
    )
    for f in (fit.f_ordinary, fit.f_adversarial):
        assert f[:2].sum() == pytest.approx(1) and f[2:].sum() == pytest.approx(1)
    assert fit.f_adversarial[3] > 0.6 > 0.4 > fit.f_ordinary[3]
    post, _ = score(fit, counts)
    assert (post[bad] > 0.9).mean() > 0.9 and (post[~bad] > 0.9).mean() < 0.02


def _approvals(rng, f, troll, per_user, informative_share, mu):
    """Each user's approving reactions beside their loves: a share of them ("thumbs_up") follows the user's
    agreement with quality (around +mu, inverted raters -mu), the rest ("like") is given whatever the reply."""
    cols = {r: hist_columns([f"r-{r}"]) for r in ("like", "thumbs_up")}
    extra = {r: np.zeros((len(f), N_BINS), dtype=np.int64) for r in cols}
    n = rng.poisson(per_user, len(f))
    for i in range(len(f)):
        thumbs = rng.random(n[i]) < informative_share
        z = np.where(
            thumbs, rng.normal(-mu if troll[i] else mu, 1.0, n[i]), rng.normal(0.0, 1.0, n[i])
        )
        for r, sel in (("thumbs_up", thumbs), ("like", ~thumbs)):
            np.add.at(extra[r][i], reaction_cells(np.full(sel.sum(), "love"), z[sel]), 1)
    out = f.copy()
    pooled = HIST_COLUMNS[N_BINS : 2 * N_BINS]  # the "approve" class
    out[pooled] = extra["like"] + extra["thumbs_up"]
    for r, c in cols.items():
        out[c] = extra[r]
    return out.assign(n_rated=f["n_rated"] + n)


def test_split_reactions_let_the_model_learn_which_reactions_follow_quality():
    """Pooled into one approving class, reactions given whatever the reply dilute those that follow quality;
    with troll.split_reactions each is its own class and the model learns which carries the evidence."""
    rng = np.random.default_rng(6)
    f, troll = _features(rng, 3000, 150, reactions=2, mu=0.5)
    fa = _approvals(rng, f, troll, per_user=3, informative_share=0.3, mu=1.5)
    pooled = CFG.adversarial.model_copy(deep=True)
    pooled.troll.unsafe_view, pooled.troll.split_reactions = False, False
    split = pooled.model_copy(deep=True)
    split.troll.split_reactions = True
    best = {}
    for name, cfg in (("pooled", pooled), ("split", split)):
        p = troll_posterior(fa, cfg)
        assert p["agreement_troll"].iloc[0] < 0 < p["agreement_honest"].iloc[0]
        best[name] = best_recall_at_precision(troll, p["troll_posterior"].to_numpy(), 0.9)
    # measured (seed 6): best recall at precision 0.9 pooled 0.06, split 0.45
    assert best["split"] >= best["pooled"] + 0.1, best


def test_split_reactions_are_counted_per_reaction_and_summed_over_days():
    from rluf_core.adversarial.daily_stats import compute_user_daily_stats
    from rluf_core.adversarial.features import combine_days

    data = generate(
        Scenario(
            days=1, turns_per_day=3000, n_honest=800, n_bots=0, n_brigades=0, n_trolls=40, seed=4
        )
    )
    turns, rx = data["labeled_turns"], data["clean_reactions"]
    day = turns["ts"].dt.strftime("%Y-%m-%d").iloc[0]
    rx = rx[rx["ts"].dt.strftime("%Y-%m-%d") == day]
    rx = rx.assign(
        reaction=np.where(np.arange(len(rx)) % 3 == 0, "like", rx["reaction"])
    )  # some likes too
    cfg = parse_config({})  # split_reactions is the default
    stats, _ = compute_user_daily_stats(day, turns, rx, cfg)
    split = split_classes(cfg.adversarial)
    assert split == ("r-like", "r-thumbs_up", "r-thumbs_down", "r-angry")

    def block(cls):
        return stats[hist_columns(cls)].to_numpy().reshape(len(stats), len(cls), N_BINS).sum(axis=1)

    assert block(["r-like"]).sum() > 0 and block(["r-thumbs_down"]).sum() > 0
    assert (block(["approve"]) == block(["r-like", "r-thumbs_up"])).all()
    assert (block(["negative"]) == block(["r-thumbs_down", "r-angry"])).all()
    two = combine_days(pd.concat([stats, stats.assign(day="2026-01-02")]))
    assert (two[hist_columns(split)].sum() == 2 * stats[hist_columns(split)].sum()).all()
    off, _ = compute_user_daily_stats(
        day, turns, rx, parse_config({"adversarial": {"troll": {"split_reactions": False}}})
    )
    assert not any(c.startswith("qh_r-") for c in off.columns)
    assert (off[HIST_COLUMNS].to_numpy() == stats[HIST_COLUMNS].to_numpy()).all()
