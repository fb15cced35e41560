"""What the reward model reads: the query text (context + prompt), the response, cheap text statistics."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from rluf_core.config.reward import STAT_NAMES

SURROGATE = re.compile("[\ud800-\udfff]")
EMOJI = re.compile(
    "[\U0001f300-\U0001faff\u2600-\u27bf\u2764\ufe0f\U0001f000-\U0001f2ff]", flags=re.UNICODE
)
HEARTS = re.compile(
    "[\u2764\U0001f493-\U0001f49f\U0001f5a4\U0001f90d\U0001f90e\U0001f9e1\U0001f970\U0001f60d]"
)
SIGN_OFF = re.compile(
    r"\b(bye|goodbye|take care|sending (you )?(love|hugs)|talk soon|see you|cheers|xoxo|hugs)\b",
    re.IGNORECASE,
)
WARMTH = re.compile(
    r"\b(love|glad|happy|wonderful|sweet|dear|friend|care|hope|proud|amazing)\b", re.IGNORECASE
)


def is_missing(value: object) -> bool:
    """An empty cell: None, pandas' NA or a float NaN (what a missing text or context reads as)."""
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def as_text(value: object) -> str:
    """A text cell as the model reads it: None/NaN are empty, characters UTF-8 cannot encode (lone
    surrogates from JSON escapes) become U+FFFD, anything else its str()."""
    if is_missing(value):
        return ""
    text = value if isinstance(value, str) else str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = SURROGATE.sub("\ufffd", text)
    return text


def as_texts(values: Sequence) -> list[str]:
    return [as_text(v) for v in values]


def parse_context(raw: object, row: int | str = "?") -> list[dict]:
    """A context cell: a JSON list of {role, text} (or already a list, or an array as Parquet returns
    list columns). Empty/None is no context."""
    if isinstance(raw, (list, tuple, np.ndarray)):
        turns = list(raw)
    elif is_missing(raw) or raw == "":
        return []
    else:
        try:
            turns = json.loads(str(raw))
        except (TypeError, json.JSONDecodeError) as err:
            raise ValueError(
                f"row {row}: column 'context' is not a JSON list of {{role, text}}: {err}"
            ) from None
    if not isinstance(turns, list):
        raise ValueError(
            f"row {row}: column 'context' must be a JSON list, got {type(turns).__name__}"
        )
    return [t for t in turns if isinstance(t, dict)]


def query_text(context: object, prompt: str, context_turns: int = 2, row: int | str = "?") -> str:
    """The conversation the response answers: the last `context_turns` earlier turns, then the prompt."""
    parts = []
    if context_turns > 0:
        for turn in parse_context(context, row)[-context_turns:]:
            role = str(turn.get("role", "user"))
            parts.append(f"{role}: {turn.get('text', '')}")
    parts.append(f"user: {prompt or ''}")
    return "\n".join(parts)


def query_texts(contexts: Sequence, prompts: Sequence, context_turns: int = 2) -> list[str]:
    if len(contexts) != len(prompts):
        raise ValueError(
            f"contexts ({len(contexts)}) and prompts ({len(prompts)}) differ in length"
        )
    return [
        query_text(c, p, context_turns, row=i) for i, (c, p) in enumerate(zip(contexts, prompts))
    ]


def context_depths(contexts: Sequence) -> np.ndarray:
    """Earlier turns in each context (the conversation depth of the response)."""
    return np.array([len(parse_context(c, i)) for i, c in enumerate(contexts)], dtype=np.float32)


def text_stats(
    responses: Sequence[str],
    queries: Sequence[str],
    depths: Sequence[float] | np.ndarray | None = None,
) -> np.ndarray:
    """Cheap per-response statistics (n, len(STAT_NAMES)), float32."""
    out = np.zeros((len(responses), len(STAT_NAMES)), dtype=np.float32)
    depth = np.zeros(len(responses)) if depths is None else np.asarray(depths, np.float64)
    for i, (r, q) in enumerate(zip(responses, queries)):
        r = r or ""
        out[i] = (
            np.log1p(len(r)),
            np.log1p(len(r.split())),
            r.count("\n"),
            len(EMOJI.findall(r)),
            len(HEARTS.findall(r)),
            len(SIGN_OFF.findall(r)),
            len(WARMTH.findall(r)),
            r.count("!"),
            r.count("?"),
            sum(ch.isdigit() for ch in r),
            len(re.findall(r"(?m)^\s*(?:[-*]|\d+\.)\s", r)),
            np.log1p(len(q or "")),
            len(re.findall(r"[.!?]+(?:\s|$)", r)),
            np.log1p(depth[i]),
        )
    return out
