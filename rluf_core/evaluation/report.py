"""An evaluation report (metrics, Markdown, PNG images) and publishing it: the lake and MLflow.

The lake gets reports/<name>.json (+ a timestamped history copy), reports/<name>.md and the images
beside it as reports/<name>_<image>.png, which the Markdown links; MLflow gets the same files as
artifacts of one run (under <name>/) with the report's scalar metrics, so both places read alike.
"""

from __future__ import annotations

import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rluf_core.config import RlufConfig
from rluf_core.lake import Lake


@dataclass
class EvalReport:
    name: str
    metrics: dict
    markdown: str
    images: dict[str, bytes] = field(default_factory=dict)  # file name (x.png) -> PNG bytes

    def image_file(self, image: str) -> str:
        return f"{self.name}_{image}"


def fmt(v: object) -> str:
    """A table cell: floats to 4 significant digits, None as empty, booleans as yes/no."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.4g}"
    return str(v)


def pct(v: float | None) -> str:
    return "" if v is None else f"{100 * v:+.2f}%"


def scalar_metrics(metrics: dict, prefix: str = "") -> dict[str, float]:
    """Flat numeric leaves of a nested report (lists skipped), for MLflow metrics."""
    out: dict[str, float] = {}
    for k, v in metrics.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(scalar_metrics(v, key + "."))
        elif isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v):
            out[key] = float(v)
        elif isinstance(v, bool):
            out[key] = float(v)
    return out


def publish(rep: EvalReport, cfg: RlufConfig, *, log_to_mlflow: bool = True) -> str:
    """Write the report to the lake and (optionally) to an MLflow run; returns the lake JSON path.
    The MLflow run id is stored in rep.metrics["mlflow_run_id"]."""
    lake = Lake(cfg.storage.lake)
    for image, data in rep.images.items():
        lake.write_bytes(f"reports/{rep.image_file(image)}", data)
    if log_to_mlflow:
        rep.metrics["mlflow_run_id"] = _log_run(rep, cfg)
    return lake.write_report(rep.name, rep.metrics, rep.markdown)


def _log_run(rep: EvalReport, cfg: RlufConfig) -> str:
    import mlflow

    from rluf_core import tracking

    tracking.configure(cfg)
    metrics = scalar_metrics({k: v for k, v in rep.metrics.items() if k != "mlflow_run_id"})
    with mlflow.start_run(run_name=rep.name, tags=tracking.run_tags(cfg, report=rep.name)) as run:
        mlflow.log_metrics({k.replace("%", "pct"): v for k, v in list(metrics.items())[:500]})
        with tempfile.TemporaryDirectory() as tmp:
            for image, data in rep.images.items():
                Path(tmp, rep.image_file(image)).write_bytes(data)
            Path(tmp, f"{rep.name}.md").write_text(rep.markdown)
            mlflow.log_artifacts(tmp, artifact_path=rep.name)
        mlflow.log_dict(rep.metrics, f"{rep.name}/{rep.name}.json")
        return run.info.run_id
