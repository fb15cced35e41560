"""Window features per user: the sum of stored daily aggregates, turned into comparable rates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from rluf_core.adversarial.bursts import PAIR_COLUMNS
from rluf_core.adversarial.daily_stats import STATS_COLUMNS, SUM_COLUMNS
from rluf_core.config.adversarial import AdversarialConfig


def combine_days(stats: pd.DataFrame) -> pd.DataFrame:
    """Sum daily user stats over the days present (one row per user)."""
    if stats.empty:  # typed, so that the detectors' arithmetic runs on no users too
        return pd.DataFrame(
            {
                "user_id": pd.Series(dtype=object),
                **{c: pd.Series(dtype="float64") for c in SUM_COLUMNS},
                "active_days": pd.Series(dtype="int64"),
                "first_day": pd.Series(dtype=object),
                "last_day": pd.Series(dtype=object),
            }
        )
    stats = stats.assign(
        **{c: 0.0 for c in SUM_COLUMNS if c not in stats.columns}
    )  # days stored before a column existed
    cells = [
        c for c in stats.columns if c.startswith("qh_") and c not in SUM_COLUMNS
    ]  # troll.split_reactions' cells
    g = stats.groupby("user_id")
    out = (
        g[[*SUM_COLUMNS, *cells]].sum().copy()
    )  # one block: the columns added below do not fragment it
    active = stats[stats["n_add"] + stats["n_remove"] > 0]
    out["active_days"] = active.groupby("user_id").size()  # one row per user and day
    out["first_day"] = g["day"].min()
    out["last_day"] = g["day"].max()
    out["active_days"] = out["active_days"].fillna(0).astype("int64")
    return out.reset_index()


def combine_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    if pairs.empty:
        return pd.DataFrame(columns=["user_a", "user_b", "n_co"])
    return pairs.groupby(["user_a", "user_b"], as_index=False)["n_co"].sum()


def robust_z(x: pd.Series, ref: pd.Series | None = None) -> pd.Series:
    """(x - median) / (1.4826 MAD) with the median and MAD of `ref` (default x); a floor keeps MAD > 0."""
    ref = x if ref is None else ref
    ref = ref.dropna()
    if ref.empty:
        return pd.Series(0.0, index=x.index)
    med = float(ref.median())
    mad = float((ref - med).abs().median()) * 1.4826
    if mad <= 1e-9:  # degenerate (most users identical): fall back to the mean absolute deviation
        mad = float((ref - med).abs().mean()) * 1.2533
    mad = mad if mad > 1e-9 else 1.0
    return (x - med) / mad


def speed_z(f: pd.DataFrame) -> pd.Series:
    """How much faster than the population a user reacts: a z-score of the user's mean log latency.

    The scale allows for real differences between people (between-user variance) as well as event noise
    (within-user variance / n), both estimated robustly from the reacting population.
    """
    n = f["lat_n"].where(f["lat_n"] > 0)
    mean = f["lat_sum"] / n
    within = (f["lat_sq"] / n - mean**2).clip(lower=0)
    ok = n >= 3
    if not ok.any() or len(mean.dropna()) < 10:
        return pd.Series(0.0, index=f.index)
    var_w = float(within[ok].median()) * (n[ok].median() / max(n[ok].median() - 1, 1))
    med = float(mean.dropna().median())
    mad = float((mean.dropna() - med).abs().median()) * 1.4826
    # users with one event spread by between + within; the MAD of means over-weights them, so
    # between = total spread of single-event users' means minus the within part (floored)
    single = mean[f["lat_n"] == 1]
    total1 = float(((single - med).abs().median() * 1.4826) ** 2) if len(single) >= 10 else mad**2
    var_b = max(total1 - var_w, 0.05 * total1, 1e-4)
    return ((med - mean) / np.sqrt(var_b + var_w / n)).fillna(0.0)


def user_features(
    window: pd.DataFrame, cfg: AdversarialConfig, as_of: str | None = None
) -> pd.DataFrame:
    """Rates and scores per user from the summed window stats (empirical-Bayes shrinkage for small counts)."""
    f = window.copy()
    reacting = f["n_add"] > 0
    # reaction rate: reacted own turns per served turn, shrunk toward the population rate
    pop_rate = f.loc[reacting, "n_own_turns"].sum() / max(1, f["n_turns"].sum())
    k = cfg.bot.rate_prior_strength
    f["reaction_rate"] = (f["n_own_turns"] + k * pop_rate) / (f["n_turns"] + k)
    f["reaction_rate_raw"] = f["n_own_turns"] / f["n_turns"].where(f["n_turns"] > 0)
    f["positive_share"] = f["n_pos"] / f["n_add"].where(f["n_add"] > 0)
    f["events_per_day"] = f["n_add"] / f["active_days"].clip(lower=1)
    # latency: mean log10 seconds, shrunk toward the population mean
    pop_lat = f["lat_sum"].sum() / max(1, f["lat_n"].sum())
    kl = cfg.bot.latency_prior_strength
    f["log_latency"] = (f["lat_sum"] + kl * pop_lat) / (f["lat_n"] + kl)
    f["log_latency_raw"] = f["lat_sum"] / f["lat_n"].where(f["lat_n"] > 0)
    var = f["lat_sq"] / f["lat_n"].where(f["lat_n"] > 0) - f["log_latency_raw"] ** 2
    f["log_latency_sd"] = np.sqrt(var.clip(lower=0))
    # agreement with the population's quality signal: a one-sided z (null: reactions ignore quality)
    n_q = f["q_pos_n"] + f["q_neg_n"]
    f["n_rated"] = n_q
    f["agreement_t"] = (f["q_pos_sum"] - f["q_neg_sum"]) / np.sqrt(n_q.where(n_q > 0))
    f["agreement_mean"] = (f["q_pos_sum"] - f["q_neg_sum"]) / n_q.where(n_q > 0)
    f["burst_share"] = f["burst_n"] / f["cells_n"].where(f["cells_n"] > 0)
    f["own_share"] = f["n_own"] / f["n_add"].where(f["n_add"] > 0)
    if as_of is not None:
        f["account_age_days"] = (pd.to_datetime(as_of) - pd.to_datetime(f["first_day"])).dt.days + 1
    # robust z-scores against the reacting population (median/MAD resist a minority of adversaries)
    ref = f[reacting]
    f["z_rate"] = robust_z(np.log(f["reaction_rate"]), np.log(ref["reaction_rate"]))
    f["z_volume"] = robust_z(np.log1p(f["events_per_day"]), np.log1p(ref["events_per_day"]))
    f["z_speed"] = speed_z(f)
    return f


__all__ = [
    "combine_days",
    "combine_pairs",
    "robust_z",
    "user_features",
    "STATS_COLUMNS",
    "PAIR_COLUMNS",
]
