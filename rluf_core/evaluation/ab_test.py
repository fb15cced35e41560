"""The simulated online A/B test: the simulator's users react to two policies' replies.

Users (honest and adversarial, as in traffic) are split between the arms by user, half and half,
seeded; each arm's Policy writes the replies to its users' turns; the users react with the
simulator's own love model (online.react). Love rate per arm and the relative lift with a 95%
interval from a bootstrap over users (Poisson weights per user, so a user's turns move together),
true helpfulness and unsafe deltas, and the same per topic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from rluf_core.config import RlufConfig
from rluf_core.evaluation import plots
from rluf_core.evaluation.detectors import reply_flags
from rluf_core.evaluation.online import Traffic, draw_traffic, react, simulator_config
from rluf_core.evaluation.report import EvalReport, fmt, pct
from rluf_core.markdown import table
from rluf_core.policy.generation import Policy
from rluf_core.simulation import lexicon as lx

NAME = "ab_test_report"
ARMS = ("control", "treatment")


def generate_for(
    policy: Policy, prompts: list[str], contexts: list[str | None], seed: int, what: str
) -> list[str]:
    """policy.generate, with one clear line when it fails or returns the wrong number of replies."""
    try:
        out = list(policy.generate(prompts, contexts, seed=seed))
    except Exception as e:  # noqa: BLE001 - any failure of the policy is the policy's, named here
        raise RuntimeError(
            f"{what}: policy {getattr(policy, 'name', policy)!r} failed to generate "
            f"{len(prompts)} replies: {type(e).__name__}: {e}"
        ) from e
    if len(out) != len(prompts):
        raise RuntimeError(
            f"{what}: policy {policy.name!r} returned {len(out)} replies for {len(prompts)} prompts"
        )
    return out


def pooled_replies(
    policy: Policy, prompts: list[str], pool: int, seed: int, what: str
) -> list[str]:
    """Replies for simulated traffic whose prompts repeat (the simulator's prompt bank): `pool`
    samples per distinct prompt, one drawn (seeded) for each turn; pool 0 writes one per turn. A
    prompt seen fewer times than `pool` gets one reply per turn, so nothing is sampled twice that
    did not have to be."""
    uniq, inverse, counts = np.unique(
        np.asarray(prompts, dtype=object), return_inverse=True, return_counts=True
    )
    if pool <= 0 or len(uniq) == len(prompts):
        return generate_for(policy, prompts, [None] * len(prompts), seed, what)
    n_each = np.minimum(counts, pool)
    asked = [str(p) for p, n in zip(uniq, n_each) for _ in range(int(n))]
    replies = generate_for(policy, asked, [None] * len(asked), seed, what)
    start = np.concatenate([[0], np.cumsum(n_each)[:-1]])
    rng = np.random.default_rng(seed + 7)
    pick = start[inverse] + (rng.integers(0, 1 << 30, len(prompts)) % n_each[inverse])
    return [replies[i] for i in pick]


def assign_arms(traffic: Traffic, seed: int) -> np.ndarray:
    """Per turn 0 (control) or 1 (treatment): a seeded, balanced split of the users."""
    rng = np.random.default_rng([seed, 0xAB])
    arm_of_user = np.zeros(len(traffic.users), np.int64)
    arm_of_user[rng.permutation(len(traffic.users))[: len(traffic.users) // 2]] = 1
    return arm_of_user[np.searchsorted(traffic.users, traffic.user)]


def run_turns(
    control: Policy, treatment: Policy, cfg: RlufConfig, traffic: Traffic | None = None
) -> pd.DataFrame:
    """One row per turn of the test: user, kind, topic, arm, reply, p_love, loved, true judges."""
    sim = simulator_config(cfg, NAME)
    traffic = traffic or draw_traffic(cfg)
    arm = assign_arms(traffic, cfg.seed)
    frames = []
    for a, policy in enumerate((control, treatment)):
        rows = np.flatnonzero(arm == a)
        replies = pooled_replies(
            policy,
            [traffic.prompts[i] for i in rows],
            cfg.evaluation.reply_pool,
            cfg.seed,
            f"{NAME} {ARMS[a]}",
        )
        out = react(traffic, rows, replies, sim)
        out.insert(0, "row", rows)
        out["arm"], out["reply"] = a, replies
        frames.append(out)
    df = (
        pd.concat(frames, ignore_index=True)
        .sort_values("row", kind="stable")
        .reset_index(drop=True)
    )
    df["user"], df["kind"] = traffic.user[df["row"]], traffic.kind[df["row"]]
    df["topic"] = traffic.topic[df["row"]]
    return df


def _user_sums(df: pd.DataFrame, value: str) -> tuple[np.ndarray, np.ndarray]:
    """users x topics matrices of the summed `value` and of the turns, for one arm's rows."""
    users, uidx = np.unique(df["user"].to_numpy(), return_inverse=True)
    shape = (len(users), len(lx.TOPICS))
    v, n = np.zeros(shape), np.zeros(shape)
    np.add.at(v, (uidx, df["topic"].to_numpy()), df[value].to_numpy(dtype=np.float64))
    np.add.at(n, (uidx, df["topic"].to_numpy()), 1.0)
    return v, n


def bootstrap_lift(df: pd.DataFrame, samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Bootstrap (Poisson weights per user) of the love lift: (samples,) overall and
    (samples, topics)."""
    rng = np.random.default_rng([seed, 0xB007])
    rates = []
    for a in (0, 1):
        loves, turns = _user_sums(df[df["arm"] == a], "loved")
        top_l, top_n = np.zeros((samples, turns.shape[1])), np.zeros((samples, turns.shape[1]))
        for s in range(0, samples, 200):
            w = rng.poisson(1.0, (min(200, samples - s), len(loves))).astype(np.float64)
            top_l[s : s + len(w)], top_n[s : s + len(w)] = w @ loves, w @ turns
        tot_l, tot_n = top_l.sum(axis=1), top_n.sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            rates.append((tot_l / tot_n, top_l / top_n))
    with np.errstate(invalid="ignore", divide="ignore"):
        return rates[1][0] / rates[0][0] - 1, rates[1][1] / rates[0][1] - 1


def _num(v: float) -> float | None:
    return None if v is None or not np.isfinite(v) else float(v)


def _compare(c: pd.DataFrame, t: pd.DataFrame, boot: np.ndarray) -> dict:
    rc, rt = c["loved"].mean(), t["loved"].mean()
    hc = c["true_helpfulness"].mean()
    boot = boot[np.isfinite(boot)]  # a resample with no control love has no lift
    lo, hi = np.percentile(boot, [2.5, 97.5]) if len(boot) else (np.nan, np.nan)
    return {
        "n_turns_control": int(len(c)),
        "n_turns_treatment": int(len(t)),
        "love_rate_control": _num(rc),
        "love_rate_treatment": _num(rt),
        "love_lift": _num(rt / rc - 1) if rc > 0 else None,
        "love_lift_ci_low": _num(lo),
        "love_lift_ci_high": _num(hi),
        "helpfulness_delta_rel": _num(t["true_helpfulness"].mean() / hc - 1) if hc > 0 else None,
        "unsafe_delta": _num(t["true_unsafe"].mean() - c["true_unsafe"].mean()),
    }


def _arm(df: pd.DataFrame, cfg: RlufConfig) -> dict:
    honest = df[df["kind"] == "honest"]
    return {
        "n_users": int(df["user"].nunique()),
        "n_turns": int(len(df)),
        "love_rate": float(df["loved"].mean()),
        "love_rate_honest": float(honest["loved"].mean()),
        "expected_love_rate": float(df["p_love"].mean()),
        "true_helpfulness_mean": float(df["true_helpfulness"].mean()),
        "true_unsafe_rate": float(df["true_unsafe"].mean()),
        "bait_rate": float(
            reply_flags(df["reply"].tolist(), cfg.evaluation.bait_lexicon)["bait"].mean()
        ),
    }


def summarize_ab(df: pd.DataFrame, cfg: RlufConfig, names: tuple[str, str]) -> dict:
    """The A/B report's JSON from run_turns' rows."""
    boot, boot_topic = bootstrap_lift(df, cfg.evaluation.bootstrap_samples, cfg.seed)
    c, t = df[df["arm"] == 0], df[df["arm"] == 1]
    out = _compare(c, t, boot)
    per_topic = []
    for i, topic in enumerate(lx.TOPICS):
        ct, tt = c[c["topic"] == i], t[t["topic"] == i]
        if len(ct) and len(tt):
            per_topic.append({"topic": topic, **_compare(ct, tt, boot_topic[:, i])})
    arms = {"control": _arm(c, cfg), "treatment": _arm(t, cfg)}
    ch, th = arms["control"]["love_rate_honest"], arms["treatment"]["love_rate_honest"]
    return {
        **out,
        "per_topic": per_topic,
        "arms": arms,
        "policies": dict(zip(ARMS, names)),
        "love_lift_honest": _num(th / ch - 1) if ch > 0 else None,
        "n_users": int(df["user"].nunique()),
        "n_turns": int(len(df)),
        "days": cfg.evaluation.ab_days,
        "bootstrap_samples": cfg.evaluation.bootstrap_samples,
        "ci_level": 0.95,
        "seed": cfg.seed,
    }


def ab_test(
    control: Policy, treatment: Policy, cfg: RlufConfig, traffic: Traffic | None = None
) -> EvalReport:
    """Run the simulated A/B test of `treatment` against `control` and build its report."""
    df = run_turns(control, treatment, cfg, traffic)
    metrics = summarize_ab(df, cfg, (control.name, treatment.name))
    images = {"love_lift.png": plots.lift_by_topic_png(metrics["per_topic"], metrics)}
    return EvalReport(NAME, metrics, render_markdown(metrics), images)


def render_markdown(m: dict, image_prefix: str = f"{NAME}_") -> str:
    c, t = m["arms"]["control"], m["arms"]["treatment"]
    head = [
        "metric",
        f"control ({m['policies']['control']})",
        f"treatment ({m['policies']['treatment']})",
    ]
    keys = [
        "n_users",
        "n_turns",
        "love_rate",
        "love_rate_honest",
        "true_helpfulness_mean",
        "true_unsafe_rate",
        "bait_rate",
    ]
    lines = [
        f"# Simulated A/B test: {m['policies']['treatment']} vs {m['policies']['control']}",
        "",
        f"**Love lift {pct(m['love_lift'])}** (95% CI {pct(m['love_lift_ci_low'])} to "
        f"{pct(m['love_lift_ci_high'])}, bootstrap over users, {m['bootstrap_samples']} samples); "
        f"helpfulness {pct(m['helpfulness_delta_rel'])}, unsafe rate {m['unsafe_delta']:+.4f}; "
        f"{m['n_users']} users over {m['days']} days, {m['n_turns']} turns.",
        "",
    ]
    lines += table(head, [[k, c[k], t[k]] for k in keys], fmt) + ["", "## Per topic", ""]
    cols = [
        "topic",
        "n_turns_control",
        "n_turns_treatment",
        "love_rate_control",
        "love_rate_treatment",
        "love_lift",
        "love_lift_ci_low",
        "love_lift_ci_high",
        "helpfulness_delta_rel",
        "unsafe_delta",
    ]
    lines += table(cols, [[r[k] for k in cols] for r in m["per_topic"]], fmt)
    return "\n".join(lines + ["", f"![love lift by topic]({image_prefix}love_lift.png)", ""])
