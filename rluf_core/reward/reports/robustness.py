"""Robustness of P[Love] to adversarial feedback (issue 5, item 5).

For each share of adversarial reacting users (bots, brigades and trolls in equal parts), simulate one
scenario, run it through ingest, cleaning, labelling and user reputation, build feedback_dataset with
the adversarial filter off and on, train P[Love] on each, and score the same evaluation rows: the
test-split turns received by honest users (from ground truth), with their labels. Evaluation only
reads ground truth here; training never does.
"""

from __future__ import annotations

import logging
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from rluf_core.config import RlufConfig, parse_config
from rluf_core.lake import Lake

log = logging.getLogger("rluf.reward.robustness")

FAST_REWARD = dict(
    backbone="minilm", chunking="sentence", bootstrap=0
)  # training as configured by default


def scenario(
    home: str | Path,
    share: float | None,
    days: int,
    turns_per_day: int,
    n_users: int,
    seed: int = 0,
    reward: dict | None = None,
    simulator: dict | None = None,
    adversarial: dict | None = None,
) -> RlufConfig:
    """A simulated scenario's config: ``share`` of adversarial reacting users in equal parts (None: the
    default mix); ``simulator``: other simulator settings (its own seed, the trolls' love rate...)."""
    sim: dict[str, float] = {"days": days, "turns_per_day": turns_per_day, "n_users": n_users}
    if share is not None:
        sim.update(bot_share=share / 3, brigade_share=share / 3, troll_share=share / 3)
    return parse_config(
        {
            "seed": seed,
            "storage": {"home": str(home)},
            "source": {"simulator": {**sim, **(simulator or {})}},
            "reward_model": {**FAST_REWARD, **(reward or {})},
            "adversarial": adversarial or {},
        }
    )


def build_lake(cfg: RlufConfig, daily: bool = False) -> Lake:
    """Simulate the scenario and run it through ingest, cleaning, labelling and user reputation.

    daily=False: every day labelled once all reactions have landed, one reputation as of the last day (fast).
    daily=True: in the order production runs it (the landing and refresh sensors, the demo): each day is
    ingested, labelled provisionally and scored as it lands; once the reactions of a day's whole label window
    are in, that day is relabelled and rescored, and the last day's reputation refreshed.
    """
    from rluf_core.adversarial.reputation import build_user_reputation, reputation_to_refresh
    from rluf_core.cleaning.labels import reaction_days_needed
    from rluf_core.quality import daily as steps
    from rluf_core.simulation import simulate

    simulate(cfg, progress=False)
    lake = Lake(cfg.storage.lake)
    days = lake.landing_days("turns")
    relabelled: set[str] = set()
    for i, d in enumerate(days):
        for kind in ("turns", "reactions"):
            steps.ingest_day(lake, kind, d)
        steps.clean_turns_day(lake, cfg, d)
        steps.clean_reactions_day(lake, cfg, d)
        if not daily:
            continue
        steps.label_day(lake, cfg, d)
        build_user_reputation(lake, cfg, d)
        for past in days[:i]:
            if past not in relabelled and set(reaction_days_needed(past, cfg.labels)) <= set(
                days[: i + 1]
            ):
                relabelled.add(past)
                steps.label_day(lake, cfg, past)
                build_user_reputation(lake, cfg, past)
                if (last := reputation_to_refresh(lake, cfg, past)) is not None:
                    build_user_reputation(lake, cfg, last)
        log.info("daily flow: %s done (%d/%d)", d, i + 1, len(days))
    if not daily:
        for d in days:
            steps.label_day(lake, cfg, d)
        build_user_reputation(lake, cfg, days[-1])
    return lake


def build_datasets(cfg: RlufConfig, daily: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """feedback_dataset with the adversarial filter (off, on) for a freshly simulated scenario (``daily``: the
    lake built in the pipeline's order, see build_lake)."""
    from rluf_core.feedback.report import run_feedback

    lake = build_lake(cfg, daily=daily)
    off = cfg.model_copy(
        update={"adversarial": cfg.adversarial.model_copy(update={"enabled": False})}
    )
    on = cfg.model_copy(
        update={"adversarial": cfg.adversarial.model_copy(update={"enabled": True})}
    )
    df_off, _ = run_feedback(lake, off, write=False)
    df_on, _ = run_feedback(lake, on, write=False)
    return df_off, df_on


def honest_eval_rows(cfg: RlufConfig, df_off: pd.DataFrame) -> pd.DataFrame:
    truth = Lake(cfg.storage.ground_truth).read_dataset(
        "turns", columns=["turn_id", "user_kind", "p_love_text"]
    )
    test = df_off[df_off["split"] == "test"].merge(truth, on="turn_id", how="inner")
    return test[test["user_kind"] == "honest"].reset_index(drop=True)


def run(
    shares=(0.0, 0.1, 0.2),
    days: int = 8,
    turns_per_day: int = 5000,
    n_users: int = 4000,
    seed: int = 0,
    work: str | Path | None = None,
    cache_dir: str | Path | None = None,
    reward: dict | None = None,
    daily: bool = False,
) -> list[dict]:
    from rluf_core.reward.training.train import train_reward_model

    rows = []
    work = Path(work or tempfile.mkdtemp(prefix="rluf-robust-"))
    for share in shares:
        t0 = time.perf_counter()
        cfg = scenario(
            work / f"share{share:.2f}", share, days, turns_per_day, n_users, seed, reward
        )
        df_off, df_on = build_datasets(cfg, daily)
        ev = honest_eval_rows(cfg, df_off)
        ceiling = roc_auc_score(ev["label"], ev["p_love_text"])
        for name, df in (("off", df_off), ("on", df_on)):
            res = train_reward_model(
                df,
                cfg.reward_model,
                work / f"share{share:.2f}-{name}",
                seed=seed,
                cache_dir=cache_dir,
                save=False,
            )
            p = res.scorer.score(
                ev["context"].tolist(), ev["prompt"].tolist(), ev["response"].tolist()
            )
            rows.append(
                dict(
                    adversarial_share=share,
                    filter=name,
                    train_rows=int((df["split"] == "train").sum()),
                    train_love_rate=float(df.loc[df["split"] == "train", "label"].mean()),
                    eval_rows=len(ev),
                    auroc_honest=float(roc_auc_score(ev["label"], p)),
                    ceiling_honest=float(ceiling),
                    mean_p=float(np.mean(p)),
                    honest_rate=float(ev["label"].mean()),
                    seconds=time.perf_counter() - t0,
                )
            )
            log.info("robustness: %s", rows[-1])
    base = {r["filter"]: r["auroc_honest"] for r in rows if r["adversarial_share"] == 0.0}
    for r in rows:
        if base:
            r["delta_vs_clean_on"] = r["auroc_honest"] - base.get("on", np.nan)
    return rows
