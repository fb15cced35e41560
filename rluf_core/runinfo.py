"""What every run records: code version, config hash, seed, data partitions."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import rluf_core


def code_version() -> str:
    """RLUF_CODE_VERSION when set (an image built without .git: docker/Dockerfile's GIT_COMMIT), else the
    git commit of the working tree (with '-dirty' if it has changes), else the package version."""
    if os.environ.get("RLUF_CODE_VERSION"):
        return os.environ["RLUF_CODE_VERSION"]
    root = Path(__file__).resolve().parent.parent
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return f"rluf-{rluf_core.__version__}"


def config_hash(config_dict: dict[str, Any]) -> str:
    return hashlib.sha256(
        json.dumps(config_dict, sort_keys=True, default=str).encode()
    ).hexdigest()[:16]
