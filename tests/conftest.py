"""Shared fixtures: every test gets its own RLUF_HOME, so nothing touches the repo's .rluf."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# No hub downloads, ever, in tests.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("MLFLOW_ENABLE_TELEMETRY", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")


_MLFLOW_ENV = (
    "MLFLOW_TRACKING_URI",
    "MLFLOW_REGISTRY_URI",
    "MLFLOW_EXPERIMENT_ID",
    "MLFLOW_EXPERIMENT_NAME",
)


@pytest.fixture(autouse=True)
def _mlflow_state_restored():
    """MLflow keeps its tracking and registry URIs, the active experiment and run in module globals
    and environment variables (rluf's tracking.configure sets them, as production needs). Each test
    leaves them as it found them, so a server one test started and stopped is never another's."""
    import sys

    saved = {k: os.environ.get(k) for k in _MLFLOW_ENV}
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v
    if "mlflow" in sys.modules:
        import mlflow
        from mlflow.tracking import _model_registry, _tracking_service, fluent

        while mlflow.active_run() is not None:
            mlflow.end_run()
        _tracking_service.utils._tracking_uri = None
        _model_registry.utils._registry_uri = None
        fluent._active_experiment_id = None


@pytest.fixture()
def rluf_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "rluf"
    monkeypatch.setenv("RLUF_HOME", str(home))
    monkeypatch.delenv("RLUF_CONFIG", raising=False)
    return home


def small_daily_scenario(home: Path):
    """The slow end-to-end tests' scenario: 5 simulated days of the default mix, seconds a day (a
    smaller hashing space keeps each day's text fit to a fraction of a second)."""
    from rluf_core.reward.reports import robustness

    cfg = robustness.scenario(home, None, days=5, turns_per_day=1000, n_users=1000)
    cfg.adversarial.quality.n_features = 4096
    return cfg


@pytest.fixture(scope="session")
def daily_flow_lake(tmp_path_factory):
    """(config, lake) of small_daily_scenario built once per session in production's order from
    scratch: every day scored as it lands, relabelled days rescored and the last reputation
    refreshed, no hashed texts kept. Shared by the slow end-to-end tests (mark them
    xdist_group("daily_flow_lake") so that one worker builds it)."""
    from rluf_core.adversarial import reputation
    from rluf_core.adversarial.feature_cache import FEATURES_DATASET
    from rluf_core.reward.reports import robustness

    cfg = small_daily_scenario(tmp_path_factory.mktemp("daily-flow") / "home")
    with pytest.MonkeyPatch.context() as m:
        m.setattr(reputation, "load_rows", lambda *a, **k: None)
        m.setattr(reputation, "store_rows", lambda *a, **k: 0)
        lake = robustness.build_lake(cfg, daily=True)
    assert not lake.dataset_days(FEATURES_DATASET)
    return cfg, lake


def pytest_collection_modifyitems(items):
    """Under pytest-xdist (--dist loadgroup), tests that start servers (PostgreSQL-backed Dagster
    and MLflow, the Dagster webserver under Chromium) run one after another on one worker: two at
    once on a 2-core machine starve each other past their timeouts. Their databases and ports are
    per test (fresh_database, free_port)."""
    for item in items:
        if item.get_closest_marker("postgres") or item.get_closest_marker("browser"):
            if not item.get_closest_marker("xdist_group"):
                item.add_marker(pytest.mark.xdist_group("services"))
