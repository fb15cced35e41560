"""Issue 34: too little data to retrain is said in one line before training (what it has, what it
needs,
which config keys change that); the schedule skips with that line instead of starting a failing
run."""

from __future__ import annotations

import argparse

import dagster as dg
import pandas as pd
import pytest

from rluf_core.config import load_config
from rluf_core.feedback.sufficiency import (
    InsufficientData,
    labelled_problem,
    problem,
    require_sufficient,
)
from rluf_core.jobs.train_reward_model import load_input
from rluf_core.lake import Lake
from rluf_dagster.defs.retraining import weekly_retrain_schedule
from rluf_dagster.resources import RlufResource
from tests.own_logs_fixtures import days, write_config


@pytest.fixture()
def env(tmp_path):
    path = write_config(tmp_path)
    res = RlufResource(config_path=str(path))
    return res.config, Lake(res.config.storage.lake), res


def _frame(day_labels: dict[str, list[int]], splits: dict[str, str] | None = None) -> pd.DataFrame:
    rows = [(d, lab) for d, labels in day_labels.items() for lab in labels]
    df = pd.DataFrame(rows, columns=["day", "label"])
    order = sorted(day_labels)
    default = {order[-1]: "test", **({order[-2]: "validation"} if len(order) > 1 else {})}
    df["split"] = df["day"].map({**default, **(splits or {})}).fillna("train")
    return df


def test_too_few_days_names_what_it_has_what_it_needs_and_the_keys(env):
    cfg, _, _ = env
    d = days(3)
    line = problem(_frame({d[0]: [0, 1], d[1]: [0, 1]}), cfg, held=[d[2]])
    assert line == (
        f"too little data to retrain: 2 labelled day(s) ({d[0]}, {d[1]}) but the time split needs "
        "at least 3 (1 train + 1 validation + 1 test); land more days, or lower "
        f"adversarial.split.validation_days and adversarial.split.test_days; held days left out: "
        f"{d[2]}"
    )
    with pytest.raises(InsufficientData) as err:
        require_sufficient(_frame({d[0]: [0, 1], d[1]: [0, 1]}), cfg)
    assert "\n" not in str(err.value)


def test_no_positive_labels_and_one_class_in_train(env):
    cfg, _, _ = env
    d = days(3)
    assert problem(_frame({x: [0, 0] for x in d}), cfg).startswith(
        "too little data to retrain: none of the 6 labelled turns is positive (a 'love' reaction "
        "within "
        "labels.window_hours=24 of the reply)"
    )
    line = problem(_frame({d[0]: [0, 0], d[1]: [0, 1], d[2]: [1, 0]}), cfg)
    assert line.startswith(
        "too little data to retrain: the train split has no positive labels (0 of 2 turns)"
    )
    assert problem(_frame({d[0]: [0, 1], d[1]: [0, 1], d[2]: [1, 0]}), cfg) is None


def _label_days(lake: Lake, labels: dict[str, list[int]]) -> None:
    for day, lab in labels.items():
        lake.write_dataset(
            "labeled_turns", pd.DataFrame({"label": lab, "label_window_complete": True}), day
        )


def test_schedule_skips_with_the_line_and_runs_when_there_is_enough(env):
    cfg, lake, res = env
    d = days(3)
    _label_days(lake, {d[0]: [0, 1], d[1]: [1, 0]})
    with dg.build_schedule_context(resources={"rluf": res}) as ctx:
        skipped = weekly_retrain_schedule(ctx)
    assert isinstance(skipped, dg.SkipReason)
    assert skipped.skip_message == labelled_problem(lake, cfg)
    assert skipped.skip_message.startswith("too little data to retrain: 2 labelled day(s)")
    _label_days(lake, {d[2]: [0, 1]})
    with dg.build_schedule_context(resources={"rluf": res}) as ctx:
        assert isinstance(weekly_retrain_schedule(ctx), dg.RunRequest)


def test_training_job_stops_with_the_line_before_training(env):
    cfg, lake, _ = env
    d = days(2)
    df = _frame({d[0]: [0, 1], d[1]: [0, 1]}).assign(
        turn_id="t", prompt="p", response="r", weight=1.0
    )
    lake.write_dataset("feedback_dataset", df)
    args = argparse.Namespace(input=None, dataset="feedback_dataset")
    with pytest.raises(SystemExit) as err:
        load_input(load_config(cfg.source_file), args)
    assert str(err.value) == problem(df, cfg)
