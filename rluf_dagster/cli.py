"""The `rluf` command: demo, run, quarantine-file, simulate, import-oasst, dev (Dagster UI), mlflow-ui,
check-config."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from rluf_core.config import ConfigError, load_config


def _cmd_demo(args: argparse.Namespace) -> int:
    from rluf_dagster.demo import run_demo

    return 1 if run_demo(load_config(args.config)) else 0


def _cmd_run(args: argparse.Namespace) -> int:
    from rluf_dagster.own_logs import run_own_logs

    return run_own_logs(load_config(args.config), args.start, args.end, retrain=args.retrain)


def _cmd_quarantine_file(args: argparse.Namespace) -> int:
    from rluf_core.ingest.set_aside import SetAsideError, quarantine_file
    from rluf_core.lake import Lake

    try:
        rec = quarantine_file(Lake(load_config(args.config).storage.lake), args.path, args.reason)
    except SetAsideError as err:
        print(f"rluf quarantine-file: {err}", file=sys.stderr)
        return 2
    print(
        f"set aside {rec['original_path']} ({rec['size_bytes']} bytes, sha256 {rec['sha256'][:12]}...) "
        f"-> {rec['quarantined_path']}\nreason: {rec['reason']}; the audit record is in the "
        f"reconciliation of {rec['day']}\nnext: rluf run --from {rec['day']} (the landing sensor also "
        f"re-runs the day by itself)"
    )
    return 0


def _cmd_check_config(args: argparse.Namespace) -> int:
    cfg = load_config(args.config)
    print(f"{cfg.source_file}: ok (lake {cfg.storage.lake}, mlflow {cfg.storage.mlflow_uri})")
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    from rluf_core.simulation import simulate

    cfg = load_config(args.config)
    if args.days is not None:
        try:
            cfg.source.simulator.days = args.days
        except ValueError as err:  # pydantic's ValidationError
            raise ConfigError(f"--days {args.days}: {err.errors()[0]['msg']}") from None
    summary = simulate(cfg)
    print(summary)
    return 0


def _cmd_import_oasst(args: argparse.Namespace) -> int:
    from rluf_core.lake import Lake
    from rluf_core.sources.oasst import import_oasst

    cfg = load_config(args.config)
    summary = import_oasst(
        args.path or cfg.source.oasst.path, Lake(cfg.storage.lake), start_date=cfg.source.start_date
    )
    print(summary)
    return 0


def _cmd_dev(args: argparse.Namespace) -> int:
    from rluf_dagster.instance import prepare_dagster_home

    cfg = load_config(args.config)
    prepare_dagster_home(cfg)
    cmd = [
        "dagster",
        "dev",
        "-m",
        "rluf_dagster.definitions",
        "-h",
        args.host,
        "-p",
        str(args.port),
    ]
    return subprocess.call([os.path.join(os.path.dirname(sys.executable), cmd[0]), *cmd[1:]])


def _cmd_mlflow_ui(args: argparse.Namespace) -> int:
    cfg = load_config(args.config)
    exe = os.path.join(os.path.dirname(sys.executable), "mlflow")
    return subprocess.call(
        [
            exe,
            "ui",
            "--backend-store-uri",
            cfg.storage.mlflow_uri,
            "--host",
            args.host,
            "--port",
            str(args.port),
        ]
    )


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="rluf", description=__doc__)
    p.add_argument(
        "--config",
        default=None,
        help="pipeline config (default: $RLUF_CONFIG or dagster_project.yaml)",
    )
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="simulate traffic and materialise the whole DAG").set_defaults(
        fn=_cmd_demo
    )
    r = sub.add_parser("run", help="your own landing zone through the daily jobs (no simulation)")
    r.add_argument(
        "--from", dest="start", default=None, metavar="DATE", help="first day (default: the first)"
    )
    r.add_argument(
        "--to", dest="end", default=None, metavar="DATE", help="last day (default: the last)"
    )
    r.add_argument("--retrain", action="store_true", help="then run the weekly retraining job")
    r.set_defaults(fn=_cmd_run)
    qf = sub.add_parser(
        "quarantine-file", help="move a landing file into the quarantine zone, with an audit record"
    )
    qf.add_argument("path", metavar="PATH")
    qf.add_argument("--reason", required=True, metavar="TEXT")
    qf.set_defaults(fn=_cmd_quarantine_file)
    sub.add_parser(
        "check-config", help="validate the config and print where state lives"
    ).set_defaults(fn=_cmd_check_config)
    s = sub.add_parser("simulate", help="write simulated traffic into the landing zone")
    s.add_argument("--days", type=int, default=None)
    s.set_defaults(fn=_cmd_simulate)
    o = sub.add_parser(
        "import-oasst", help="turn the OASST replies parquet into landing-zone files"
    )
    o.add_argument("--path", default=None)
    o.set_defaults(fn=_cmd_import_oasst)
    for name, fn, port in (("dev", _cmd_dev, 3000), ("mlflow-ui", _cmd_mlflow_ui, 5000)):
        d = sub.add_parser(name, help="Dagster UI" if name == "dev" else "MLflow UI")
        d.add_argument("--host", default="127.0.0.1")
        d.add_argument("--port", type=int, default=port)
        d.set_defaults(fn=fn)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.config:
        # the Dagster definitions, `dagster dev` and the jobs they launch read RLUF_CONFIG, not this flag
        os.environ["RLUF_CONFIG"] = os.path.abspath(args.config)
    from rluf_dagster.run_failed import RunFailed

    try:
        return args.fn(args)
    except ConfigError as err:
        print(f"rluf: config error: {err}", file=sys.stderr)
        return 2
    except RunFailed as err:  # its diagnosis, not a traceback
        print(f"rluf {args.command}: {err.text}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
