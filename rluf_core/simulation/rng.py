"""Seeding: every day and every stream gets its own generator from (seed, day, stream)."""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np


def rng_for(seed: int, day: dt.date | None, stream: str) -> np.random.Generator:
    """Independent generator for (seed, day, stream): a day can be re-simulated alone."""
    d = 0 if day is None else day.toordinal()
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, d, zlib.crc32(stream.encode())])


def hex_ids(rng: np.random.Generator, n: int, prefix: str = "", width: int = 16) -> np.ndarray:
    """n random hex ids (object array), e.g. 'u3f9a...'; collisions are negligible at 64 bits."""
    raw = rng.bytes(width // 2 * n).hex()
    return np.array([prefix + raw[i : i + width] for i in range(0, len(raw), width)], dtype=object)
