"""The production configuration, run natively: PostgreSQL-backed Dagster storage and MLflow server.

The compose stack (docker/docker-compose.yml) cannot run here (no Docker engine), so these tests run
the same services from the same files: docker/dagster.yaml, docker/dagster_project.prod.yaml, and
`mlflow server` with a PostgreSQL backend store.
"""

import json
import os
import urllib.request

import dagster as dg
import mlflow
import pytest
from mlflow.tracking import MlflowClient

from rluf_core.config import load_config
from rluf_core.tracking import configure
from tests.production_services import (
    PG_HOST,
    PG_PORT,
    PG_USER,
    REPO,
    compose_mlflow_command,
    dagster_home_with_postgres,
    free_port,
    fresh_database,
    requires_postgres,
    service,
)

pytestmark = [pytest.mark.postgres, requires_postgres]


def test_production_config_validates_with_its_secrets(monkeypatch, tmp_path):
    monkeypatch.setenv("RLUF_PSEUDONYM_KEY", "prod-secret")
    monkeypatch.setenv("RLUF_HOME", str(tmp_path))
    cfg = load_config(REPO / "docker" / "dagster_project.prod.yaml")
    assert cfg.source.kind == "landing"
    assert cfg.storage.mlflow_uri == "http://mlflow:5000"
    assert cfg.privacy.pseudonym_key == "prod-secret"
    monkeypatch.delenv("RLUF_PSEUDONYM_KEY")
    with pytest.raises(Exception, match="privacy.pseudonym_key.*RLUF_PSEUDONYM_KEY"):
        load_config(REPO / "docker" / "dagster_project.prod.yaml")


def test_dagster_instance_on_postgres_records_runs(tmp_path, monkeypatch):
    with fresh_database("rluf_dagster") as db:
        for k, v in dagster_home_with_postgres(tmp_path, db).items():
            monkeypatch.setenv(k, v)

        @dg.asset(partitions_def=dg.DailyPartitionsDefinition(start_date="2026-01-01"))
        def probe(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
            return dg.MaterializeResult(metadata={"day": context.partition_key})

        with dg.DagsterInstance.get() as instance:
            assert type(instance.run_storage).__name__ == "PostgresRunStorage"
            result = dg.materialize([probe], instance=instance, partition_key="2026-01-03")
            assert result.success
            runs = instance.get_runs()
            assert [r.run_id for r in runs] == [result.run_id]
            ev = instance.get_latest_materialization_event(dg.AssetKey("probe"))
            assert ev.asset_materialization.partition == "2026-01-03"


def test_mlflow_server_with_postgres_backend_tracks_and_registers(tmp_path, monkeypatch):
    port = free_port()
    with fresh_database("rluf_mlflow") as db:
        env = {**os.environ, "MLFLOW_ENABLE_TELEMETRY": "false"}
        cmd = compose_mlflow_command(
            **{
                "--host": "127.0.0.1",
                "--port": str(port),
                "--backend-store-uri": f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{db}",
                "--artifacts-destination": str(tmp_path / "artifacts"),
            }
        )
        cmd[cmd.index("--allowed-hosts") + 1] += (
            f",127.0.0.1:{port}"  # this test's port, beside compose's
        )
        with service(
            cmd, env, f"http://127.0.0.1:{port}/health", tmp_path / "mlflow.log", timeout=180
        ):
            uri = f"http://127.0.0.1:{port}"
            # the other containers reach it as http://mlflow:5000: that Host header must be served
            req = urllib.request.Request(
                f"{uri}/api/2.0/mlflow/experiments/search?max_results=1",
                headers={"Host": "mlflow:5000"},
            )
            with urllib.request.urlopen(req) as r:
                assert r.status == 200
            # rluf's own experiment keeps its artifacts in the server's store, not on the client's disk
            monkeypatch.setenv("RLUF_PSEUDONYM_KEY", "prod-secret")
            monkeypatch.setenv("RLUF_HOME", str(tmp_path / "home"))
            cfg = load_config(REPO / "docker" / "dagster_project.prod.yaml")
            cfg.storage.mlflow_tracking_uri = uri
            exp_id = configure(cfg)
            assert (
                MlflowClient(uri)
                .get_experiment(exp_id)
                .artifact_location.startswith("mlflow-artifacts:")
            )
            mlflow.set_tracking_uri(uri)
            exp = mlflow.set_experiment("rluf-prod-test")
            with mlflow.start_run(experiment_id=exp.experiment_id) as run:
                mlflow.log_param("positive_share", 0.1)
                mlflow.log_metric("auroc", 0.81)
                (tmp_path / "report.md").write_text("# report\n")
                mlflow.log_artifact(str(tmp_path / "report.md"))
            client = MlflowClient(uri)
            client.create_registered_model("rluf-p-love-test")
            mv = client.create_model_version(
                "rluf-p-love-test", f"runs:/{run.info.run_id}/report.md", run_id=run.info.run_id
            )
            client.set_registered_model_alias("rluf-p-love-test", "challenger", mv.version)
            got = client.get_model_version_by_alias("rluf-p-love-test", "challenger")
            assert got.version == mv.version
            assert client.get_run(run.info.run_id).data.metrics["auroc"] == pytest.approx(0.81)
            arts = [a.path for a in client.list_artifacts(run.info.run_id)]
            assert arts == ["report.md"]
            with urllib.request.urlopen(
                f"{uri}/api/2.0/mlflow/experiments/get-by-name?experiment_name=rluf-prod-test"
            ) as r:
                assert json.load(r)["experiment"]["name"] == "rluf-prod-test"
    mlflow.set_tracking_uri(None)
