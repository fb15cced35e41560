"""The Dagster UI, driven in headless Chromium: raw assets are listed with their daily partitions,
and materialising one partition from the UI runs and records it.

Needs Debian's chromium (/usr/bin/chromium) and the playwright package (no downloaded browser).
"""

import os
import sys
import time
from pathlib import Path

import dagster as dg
import pytest

from rluf_core.config import load_config
from tests.production_services import free_port, service

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and os.environ.get("CI") != "true",
        reason="Debian chromium is not installed",
    ),
]
playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture()
def webserver(tmp_path, monkeypatch):
    """`dagster dev` (webserver + daemon) over rluf's definitions, with one small simulated day landed."""
    from rluf_core.simulation import simulate

    cfg_file = tmp_path / "cfg.yaml"
    cfg_file.write_text(
        "source:\n  kind: simulator\n  start_date: 2026-01-01\n"
        "  simulator: {days: 1, turns_per_day: 300, n_users: 300}\n"
        "schedules:\n  ingest_sensor_enabled: false\n  retrain_enabled: false\n"
    )
    env = {
        **os.environ,
        "RLUF_HOME": str(tmp_path / "home"),
        "RLUF_CONFIG": str(cfg_file),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    for k in ("RLUF_HOME", "RLUF_CONFIG", "DAGSTER_HOME"):
        monkeypatch.setenv(k, env[k])
    Path(env["DAGSTER_HOME"]).mkdir()
    (Path(env["DAGSTER_HOME"]) / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    simulate(load_config(cfg_file), progress=False)
    port = free_port()
    cmd = [
        str(Path(sys.executable).parent / "dagster"),
        "dev",
        "-m",
        "rluf_dagster.definitions",
        "-h",
        "127.0.0.1",
        "-p",
        str(port),
    ]
    with service(
        cmd, env, f"http://127.0.0.1:{port}/server_info", tmp_path / "web.log", timeout=240
    ):
        yield f"http://127.0.0.1:{port}"


def _open(page, url, first_visit=False):
    page.goto(url, wait_until="networkidle", timeout=120_000)
    if first_visit:  # the first visit shows a community dialog over the page
        try:
            page.get_by_role("button", name="Skip").click(timeout=15_000)
        except playwright.Error:
            pass


def test_ui_lists_raw_assets_and_materialises_a_partition(webserver, tmp_path):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        _open(page, f"{webserver}/assets", first_visit=True)
        for name in ("raw_turns", "raw_reactions"):
            page.get_by_text(name, exact=True).first.wait_for(timeout=60_000)

        _open(page, f"{webserver}/assets/raw_turns")
        page.get_by_role("button", name="Materialize…").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_text("Partition selection").wait_for()
        page.wait_for_timeout(2000)
        if dialog.get_by_text("Show all partitions").count():
            dialog.get_by_text("Show all partitions").click()
        box = dialog.locator("input[placeholder^='ex:']")
        box.wait_for(timeout=30_000)
        box.fill("2026-01-01")
        box.press("Enter")
        dialog.get_by_role("button", name="Launch 1 run").click()
        page.screenshot(path=str(tmp_path / "launched.png"))

        deadline = time.time() + 240
        with dg.DagsterInstance.get() as instance:
            while time.time() < deadline:
                runs = instance.get_runs(dg.RunsFilter(tags={"dagster/partition": "2026-01-01"}))
                if runs and runs[0].is_finished:
                    break
                time.sleep(2)
            assert runs and runs[0].is_success, [r.status for r in runs]
            assert runs[0].tags.get("dagster/partition") == "2026-01-01"
            ev = instance.get_latest_materialization_event(dg.AssetKey("raw_turns"))
            assert ev.asset_materialization.partition == "2026-01-01"
            rows = ev.asset_materialization.metadata["dagster/row_count"].value
            assert rows == 300

        _open(page, f"{webserver}/assets/raw_turns?view=partitions")
        page.get_by_text("2026-01-01").first.wait_for(timeout=30_000)
        browser.close()
