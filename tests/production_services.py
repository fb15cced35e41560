"""Helpers to run the compose stack's services natively (PostgreSQL is already up on this machine)."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent


def postgres_available() -> bool:
    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=1):
            return True
    except OSError:
        return False


requires_postgres = pytest.mark.skipif(
    not postgres_available() and os.environ.get("CI") != "true",
    reason="PostgreSQL is not running on 127.0.0.1:5432",
)


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """Create a throwaway database; yield its name; drop it afterwards."""
    import psycopg2

    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    conn = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with conn.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 90.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"service exited with {proc.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


@contextmanager
def service(
    cmd: list[str], env: dict[str, str], health_url: str, log: Path, timeout: float = 120.0
):
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_http(health_url, timeout, proc)
            yield proc
        except Exception:
            out.flush()
            print(log.read_text(errors="replace")[-4000:])
            raise
        finally:
            # The service runs in its own session: end its whole process group (run workers too).
            for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
                try:
                    os.killpg(proc.pid, sig)
                    proc.wait(timeout=wait)
                    break
                except ProcessLookupError:
                    break
                except subprocess.TimeoutExpired:
                    continue


def dagster_home_with_postgres(tmp: Path, db: str) -> dict[str, str]:
    """DAGSTER_HOME holding docker/dagster.yaml, with its env pointing at the local server."""
    home = tmp / "dagster_home"
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "docker" / "dagster.yaml", home / "dagster.yaml")
    return {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_HOST": PG_HOST,
        "DAGSTER_PG_PORT": str(PG_PORT),
        "DAGSTER_PG_USER": PG_USER,
        "DAGSTER_PG_PASSWORD": "",
        "DAGSTER_PG_DB": db,
    }


def compose_mlflow_command(**values: str) -> list[str]:
    """The compose stack's `mlflow server` command, with the given options' values replaced."""
    compose = yaml.safe_load((REPO / "docker" / "docker-compose.yml").read_text())
    cmd = shlex.split(compose["services"]["mlflow"]["command"])
    for option, value in values.items():
        cmd[cmd.index(option) + 1] = value
    return [str(BIN / "mlflow"), *cmd[1:], "--workers", "1"]
