"""Checksums of a saved model folder: what was written is what is loaded, or the load names the file."""

from __future__ import annotations

import hashlib
from pathlib import Path


def sha256_file(path: str | Path, h=None) -> str:
    h = h or hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            h.update(block)
    return h.hexdigest()


def file_manifest(folder: str | Path, exclude: tuple[str, ...] = ()) -> dict[str, dict]:
    """{relative path: {bytes, sha256}} of every file under `folder` but the excluded names."""
    folder = Path(folder)
    return {
        f.relative_to(folder).as_posix(): {"bytes": f.stat().st_size, "sha256": sha256_file(f)}
        for f in sorted(folder.rglob("*"))
        if f.is_file() and f.relative_to(folder).as_posix() not in exclude
    }


def verify_manifest(folder: str | Path, manifest: dict[str, dict]) -> None:
    """Raise naming the first listed file that is missing or differs from what was saved."""
    folder = Path(folder)
    for rel, want in manifest.items():
        f = folder / rel
        if not f.is_file():
            raise FileNotFoundError(
                f"{f}: missing from the saved folder (it was written at save time)"
            )
        size = f.stat().st_size
        if size != want["bytes"] or sha256_file(f) != want["sha256"]:
            raise ValueError(
                f"{f}: differs from what was saved ({size} bytes, saved {want['bytes']}; "
                f"checksum mismatch): the folder is damaged or was edited"
            )
