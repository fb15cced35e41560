"""The Dagster UI, driven in headless Chromium: raw assets are listed with their daily partitions,
materialising one partition from the UI runs and records it, the policy, evaluation and registry
groups are in the asset graph, and an offline evaluation report's tables and plots render.

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
        "evaluation: {fixed_prompts: 200, ab_users: 2000, ab_days: 1, bootstrap_samples: 100}\n"
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


def _materialise_offline_report(cfg_file: Path) -> None:
    """offline_eval_report materialised into the webserver's instance, on the evaluation doubles
    (simulated policies and scorers), as the demo would after policy training."""
    from rluf_core.lake import Lake
    from rluf_dagster.defs.evaluation import EvaluationInputsResource, offline_eval_report
    from rluf_dagster.resources import RlufResource
    from tests.evaluation_doubles import write_clean_turns

    rluf = RlufResource(config_path=str(cfg_file))
    write_clean_turns(Lake(rluf.config.storage.lake))
    stub = EvaluationInputsResource(factory="tests.evaluation_doubles:load_inputs")
    with dg.DagsterInstance.get() as instance:
        res = dg.materialize(
            [offline_eval_report],
            resources={"rluf": rluf, "evaluation_inputs": stub},
            instance=instance,
        )
    assert res.success


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

        # the policy, evaluation and registry groups are in the asset graph
        for group, assets in {
            "policy": ("base_policy", "policy_checkpoint"),
            "evaluation": ("offline_eval_report", "ab_test_report"),
            "registry": ("champion_policy",),
        }.items():
            _open(page, f"{webserver}/locations/rluf_dagster.definitions/asset-groups/{group}/list")
            for name in assets:
                page.get_by_text(name, exact=True).first.wait_for(timeout=60_000)

        # an evaluation report's Markdown renders: its tables as tables, its plots as images
        _materialise_offline_report(tmp_path / "cfg.yaml")
        _open(page, f"{webserver}/assets/offline_eval_report")
        page.get_by_text("Show Markdown").first.click()
        report = page.get_by_role("dialog")
        report.locator("table").first.wait_for(timeout=30_000)
        headers = report.locator("th").all_inner_texts()
        assert "detector" in headers, headers
        assert report.locator("table").count() >= 3
        assert report.locator("img[src^='data:image/png;base64,']").count() >= 1
        page.screenshot(path=str(tmp_path / "offline_eval_report.png"))
        browser.close()
