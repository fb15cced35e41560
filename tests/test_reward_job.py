"""The training job end to end on a tiny model: lake in, MLflow registry out, report with ground truth;
killed mid-way (SIGKILL) and re-run, it resumes from its last checkpoint."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import mlflow
import numpy as np
import pandas as pd
import pytest

from rluf_core import tracking
from rluf_core.config import load_config
from rluf_core.jobs import train_reward_model as job
from rluf_core.lake import Lake
from rluf_core.reward.reports.evaluation import build_report
from rluf_core.reward.training.loop import train_loop
from rluf_core.reward.training.synthetic import make_feedback

REPO = Path(__file__).resolve().parent.parent
TINY = [
    "--set",
    "backbone=tiny",
    "--set",
    "max_length=48",
    "--set",
    "epochs=2",
    "--set",
    "bootstrap=50",
]


def _config_file(home: Path) -> Path:
    """A minimal config (defaults + this RLUF_HOME), independent of other sections' in-flight edits."""
    path = home.parent / "rluf_test.yaml"
    path.write_text(f"storage:\n  home: {home}\n")
    return path


def _write_inputs(home: Path, n: int = 2400, seed: int = 0):
    cfg = load_config(_config_file(home))
    df, truth = make_feedback(n, seed)
    Lake(cfg.storage.lake).write_dataset("feedback_dataset", df)
    gt = Lake(cfg.storage.ground_truth)
    for day, part in truth.groupby("day"):
        gt.write_dataset("turns", part.drop(columns=["day"]), day)
    return cfg, df, truth


def test_job_registers_challenger_and_report_has_ceiling(rluf_home, monkeypatch):
    monkeypatch.chdir(REPO)
    cfg, df, truth = _write_inputs(rluf_home)
    assert job.main(["--config", str(_config_file(rluf_home)), *TINY]) == 0
    lake = Lake(cfg.storage.lake)
    model = lake.read_report("p_love_model")
    assert model["model_uri"] == "models:/rluf-p-love@challenger" and model["model_version"] == "1"
    # the lake's Markdown links images that are there, and its JSON holds the slices the Markdown shows
    md = lake.fs.cat_file(lake.report_path("p_love_model", "md")).decode()
    for img in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md):
        assert lake.fs.exists(lake.path("reports", img)), img
    assert "p_love_model_roc.png" in md and model["slices"]
    shown = set(re.findall(r"^## By (\w+)", md, re.M))
    assert shown and shown == {c for c, rows in model["slices"].items() if rows}
    preds = lake.read_dataset("p_love_predictions")
    assert set(preds["split"]) == {"validation", "test"}
    assert len(preds) == (df["split"] != "train").sum()

    tracking.configure(cfg)
    pyfunc = mlflow.pyfunc.load_model("models:/rluf-p-love@challenger")
    rows = df[df["split"] == "test"].head(20)
    got = np.asarray(pyfunc.predict(rows[["context", "prompt", "response"]]))
    want = preds.set_index("turn_id").loc[rows["turn_id"], "p_love"].to_numpy()
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(
        _predict_where_rluf_is_not_installed(rows, rluf_home), want, rtol=1e-4, atol=1e-6
    )
    run = mlflow.get_run(model["mlflow_run_id"])
    assert run.data.params["reward_model.backbone"] == "tiny"
    assert "test_model_auroc" in run.data.metrics

    rep = build_report(cfg)
    m = rep.metrics
    assert m["ground_truth"] is True
    assert m["test"]["ceiling_text"]["auroc"] > m["test"]["constant"]["auroc"]
    assert 0 < m["auroc_ratio_to_ceiling"] < 1.5
    assert {"beats_length_only", "ece_ok", "passed"} <= set(m["checks"])
    assert "ceiling_text" in rep.markdown and "p_love_report_reliability.png" in rep.markdown
    assert lake.fs.exists(lake.path("reports", "p_love_report_roc.png"))
    assert rep.images["reliability.png"][:4] == b"\x89PNG"
    version = mlflow.MlflowClient().get_model_version("rluf-p-love", "1")
    assert version.tags["rluf.report_passed"] == str(rep.passed).lower()


def _predict_where_rluf_is_not_installed(rows: pd.DataFrame, tmp: Path) -> np.ndarray:
    """Load the challenger in a Python that sees this environment's packages but not the rluf install (no site
    hooks, so no editable finder; not run from the repository): the version must carry the code it needs."""
    import sysconfig

    rows.to_parquet(tmp / "rows.parquet")
    script = (
        "import sys, mlflow, numpy as np, pandas as pd\n"
        "try:\n    import rluf_core\n    sys.exit('rluf_core importable before loading: ' + rluf_core.__file__)\n"
        "except ImportError:\n    pass\n"
        "m = mlflow.pyfunc.load_model('models:/rluf-p-love@challenger')\n"
        "import rluf_core\nassert '/code/rluf_core/' in rluf_core.__file__, rluf_core.__file__\n"
        f"np.save({str(tmp / 'p.npy')!r}, np.asarray(m.predict(pd.read_parquet({str(tmp / 'rows.parquet')!r}))))\n"
    )
    env = dict(
        os.environ,
        PYTHONPATH=sysconfig.get_paths()["purelib"],
        MLFLOW_TRACKING_URI=mlflow.get_tracking_uri(),
        HF_HUB_OFFLINE="1",
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", script], cwd=tmp, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return np.load(tmp / "p.npy")


def test_missing_dataset_is_a_clear_error(rluf_home, monkeypatch):
    monkeypatch.chdir(REPO)
    with pytest.raises(SystemExit, match="feedback_dataset.*missing or empty"):
        job.main(["--config", str(_config_file(rluf_home)), "--no-register", *TINY])


def test_train_loop_resume_is_identical_to_uninterrupted(tmp_path):
    import torch

    rng = np.random.default_rng(0)
    x = torch.as_tensor(rng.normal(size=(500, 8)).astype(np.float32))
    y = (rng.random(500) < 0.3).astype(np.float32)
    w = np.ones(500)

    def run(ckpt, stop=None, model=None):
        torch.manual_seed(0)
        model = model or torch.nn.Sequential(
            torch.nn.Linear(8, 16), torch.nn.Dropout(0.2), torch.nn.Linear(16, 1)
        )
        out = train_loop(
            model,
            lambda i: model(x[i]),
            y,
            w,
            epochs=3,
            batch_size=32,
            lr=1e-2,
            seed=1,
            ckpt_dir=ckpt,
            checkpoint_every=5,
            fingerprint="f",
            stop_after_steps=stop,
        )
        return model, out

    full, _ = run(tmp_path / "a")
    _, part = run(tmp_path / "b", stop=20)
    assert not part["finished"] and part["steps"] == 20
    resumed, out = run(tmp_path / "b")
    assert out["resumed_from"] == 20 and out["finished"]
    for p, q in zip(full.parameters(), resumed.parameters()):
        torch.testing.assert_close(p, q)


def test_killed_job_resumes_from_last_checkpoint(rluf_home, tmp_path):
    cfg, df, _ = _write_inputs(rluf_home, 3000, seed=1)
    env = {**os.environ, "RLUF_HOME": str(rluf_home), "PYTHONUNBUFFERED": "1"}
    args = [
        sys.executable,
        "-m",
        "rluf_core.jobs.train_reward_model",
        "--no-register",
        "--config",
        str(_config_file(rluf_home)),
        "--set",
        "backbone=tiny",
        "--set",
        "max_length=32",
        "--set",
        "epochs=40",
        "--set",
        "checkpoint_every_steps=10",
        "--set",
        "bootstrap=0",
    ]
    ckpts = rluf_home / "reward" / "ckpt"
    proc = subprocess.Popen(
        args, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.time() + 240
        while time.time() < deadline and not list(ckpts.glob("*/checkpoint.pt")):
            assert proc.poll() is None, "the job ended before its first checkpoint"
            time.sleep(0.2)
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert list(ckpts.glob("*/checkpoint.pt")), "no checkpoint written before the kill"
    done = subprocess.run(args, cwd=REPO, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "resumed from" in done.stderr
    report = Lake(cfg.storage.lake).read_report("p_love_model")
    assert 10 <= report["resumed_from_step"] < report["steps"]  # resumed mid-way, then finished
