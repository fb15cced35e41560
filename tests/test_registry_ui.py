"""rluf-policy on the compose stack's MLflow server (PostgreSQL backend store, run natively): a policy
logged as the training job logs it and promoted through the gates loads as
models:/rluf-policy@champion, and the MLflow UI, driven in headless Chromium, shows the model with
its champion alias.

Needs PostgreSQL on 127.0.0.1:5432, Debian's chromium (/usr/bin/chromium) and playwright.
"""

import os
from pathlib import Path

import mlflow
import pandas as pd
import pytest
from mlflow.tracking import MlflowClient

from rluf_core import model_aliases as ma
from rluf_core.config import parse_config
from rluf_core.lake import Lake
from rluf_core.promotion import run
from rluf_core.tracking import configure
from tests.production_services import (
    PG_HOST,
    PG_PORT,
    PG_USER,
    compose_mlflow_command,
    free_port,
    fresh_database,
    requires_postgres,
    service,
)
from tests.promotion_fixtures import log_dummy_policy
from tests.test_promotion_gates import GOOD

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.browser,
    requires_postgres,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
        reason="Debian chromium is not installed",
    ),
]
playwright = pytest.importorskip("playwright.sync_api")
NAME = "rluf-policy"


@pytest.fixture()
def mlflow_server(tmp_path):
    """The compose stack's `mlflow server` on a fresh PostgreSQL database; yields its URI."""
    port = free_port()
    with fresh_database("rluf_registry") as db:
        cmd = compose_mlflow_command(
            **{
                "--host": "127.0.0.1",
                "--port": str(port),
                "--backend-store-uri": f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{db}",
                "--artifacts-destination": str(tmp_path / "artifacts"),
            }
        )
        cmd[cmd.index("--allowed-hosts") + 1] += f",127.0.0.1:{port}"
        env = {**os.environ, "MLFLOW_ENABLE_TELEMETRY": "false"}
        health = f"http://127.0.0.1:{port}/health"
        with service(cmd, env, health, tmp_path / "mlflow.log", timeout=180):
            yield f"http://127.0.0.1:{port}"


def test_policy_promoted_on_the_server_loads_as_champion_and_shows_in_the_ui(
    mlflow_server, tmp_path
):
    cfg = parse_config(
        {"storage": {"home": str(tmp_path / "home"), "mlflow_tracking_uri": mlflow_server}}
    )
    configure(cfg)
    version = log_dummy_policy(cfg, NAME, "policy-v1")
    client = MlflowClient(mlflow_server, registry_uri=mlflow_server)
    ma.set_alias(client, NAME, ma.CHALLENGER, version)
    Lake(cfg.storage.lake).write_report(
        "offline_eval_report", {"arms": {"challenger": GOOD, "champion": None}}
    )

    out = run.promote_policy(cfg)

    assert out["outcome"] == "promoted"
    assert ma.aliases(client, NAME) == {"challenger": version, "champion": version}
    assert [h["outcome"] for h in ma.history(client, NAME)] == ["promoted"]
    served = mlflow.pyfunc.load_model(f"models:/{NAME}@champion")
    assert served.predict(pd.DataFrame({"prompt": ["hello"]})) == ["policy-v1"]
    assert Lake(cfg.storage.lake).read_report("champion_policy")["outcome"] == "promoted"

    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"{mlflow_server}/#/models/{NAME}", wait_until="load", timeout=120_000)
        page.get_by_text(f"Version {version}").first.wait_for(timeout=60_000)
        page.get_by_text("@ champion", exact=True).first.wait_for(timeout=60_000)  # the alias tag
        page.screenshot(path=str(tmp_path / "mlflow_rluf_policy.png"))
        browser.close()
