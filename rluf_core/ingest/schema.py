"""The landing-zone contract (docs/design.md "Input contract") and the raw layer's extra columns.

Raw rows keep every contract column as a string (values of other types are rendered as text, so a
wrong type is visible and typed later by cleaning), plus provenance:

- ``_file``: the landing file the row came from; ``_row``: its 0-based row (line) in that file,
  -1 for a record that stands for a whole unreadable file;
- ``_error``: null for a parsed row, else a machine-readable reason (``malformed_json``,
  ``invalid_utf8``, ``not_an_object``, ``corrupt_file``, ``unsupported_format``, ``unreadable_column``);
- ``_error_detail``: a human-readable explanation; ``_raw``: the raw text of an unparsed line (truncated).
"""

from __future__ import annotations

LANDING_COLUMNS: dict[str, tuple[str, ...]] = {
    "turns": (
        "turn_id",
        "conversation_id",
        "user_id",
        "ts",
        "prompt",
        "response",
        "context",
        "policy_version",
        "lang",
        "surface",
        "topic",
    ),
    "reactions": ("event_id", "turn_id", "user_id", "ts", "reaction", "action"),
}

# the contract's optional columns (a file may lack them); every other landing column is required
OPTIONAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "turns": ("context", "lang", "surface", "topic"),
    "reactions": (),
}
REQUIRED_COLUMNS: dict[str, tuple[str, ...]] = {
    kind: tuple(c for c in columns if c not in OPTIONAL_COLUMNS[kind])
    for kind, columns in LANDING_COLUMNS.items()
}

META_COLUMNS: tuple[str, ...] = ("_file", "_row", "_error", "_error_detail", "_raw")

RAW_TEXT_LIMIT = 2000  # characters of an unparsed line kept in `_raw`


def raw_columns(kind: str) -> list[str]:
    return [*LANDING_COLUMNS[kind], *META_COLUMNS]
