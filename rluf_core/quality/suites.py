"""The expectation suites, defined once (GX Core 1.x), parametrised by the config and the day.

Each suite validates a *view* of a dataset (see `views.py`): the dataset's columns plus derived ones
GX checks cheaply (parsed timestamps, text lengths). Thresholds come from the `quality` config:
raw data tolerates up to quality.max_bad_row_fraction malformed rows (they are quarantined by
cleaning); a partition beyond that, or with a broken file schema, fails.
"""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe

from rluf_core.cleaning.classify import day_bounds
from rluf_core.config.schema import RlufConfig
from rluf_core.ingest.schema import REQUIRED_COLUMNS, raw_columns
from rluf_core.quality.gx_runtime import context

WARN = {"severity": "warn"}
PSEUDONYM_REGEX = r"^u_[0-9a-f]{20}$"


def _suite(name: str, expectations: list) -> gx.ExpectationSuite:
    context()  # suites need an active (ephemeral, process-wide) context
    s = gx.ExpectationSuite(name=name)
    for e in expectations:
        s.add_expectation(e)
    return s


def files_suite(kind: str) -> gx.ExpectationSuite:
    """The landing files' manifest: every file readable and with every required contract column."""
    return _suite(
        f"landing_{kind}_files",
        [
            gxe.ExpectColumnValuesToBeInSet(column="status", value_set=["ok", "partial", "empty"]),
            gxe.ExpectColumnValuesToBeInSet(column="missing_columns", value_set=[""]),
            gxe.ExpectColumnValuesToBeInSet(column="missing_optional", value_set=[""], meta=WARN),
            gxe.ExpectColumnValuesToBeInSet(column="type_issues", value_set=[""], meta=WARN),
            gxe.ExpectColumnValuesToBeInSet(column="extra_columns", value_set=[""], meta=WARN),
        ],
    )


def raw_suite(kind: str, cfg: RlufConfig, day: str) -> gx.ExpectationSuite:
    q = cfg.quality
    mostly = 1.0 - q.max_bad_row_fraction
    lo, hi = day_bounds(day, q)
    ex = [
        gxe.ExpectTableColumnsToMatchSet(
            column_set=[
                *raw_columns(kind),
                "ts_parsed",
                "max_text_chars",
            ],
            exact_match=False,
        ),
        gxe.ExpectColumnValuesToBeNull(column="_error", mostly=mostly),
        *[
            gxe.ExpectColumnValuesToNotBeNull(column=c, mostly=mostly)
            for c in REQUIRED_COLUMNS[kind]
        ],
        gxe.ExpectColumnValuesToNotBeNull(column="ts_parsed", mostly=mostly),
        gxe.ExpectColumnValuesToBeBetween(
            column="ts_parsed", min_value=lo, max_value=hi, mostly=mostly
        ),
        gxe.ExpectColumnValuesToBeBetween(
            column="max_text_chars", min_value=0, max_value=q.max_text_chars, mostly=mostly
        ),
    ]
    if kind == "turns":
        ex.append(gxe.ExpectColumnValuesToBeUnique(column="turn_id", mostly=mostly))
    else:
        ex += [
            gxe.ExpectColumnValuesToBeInSet(
                column="reaction", value_set=list(q.known_reactions), mostly=mostly
            ),
            gxe.ExpectColumnValuesToBeInSet(
                column="action", value_set=["add", "remove"], mostly=mostly
            ),
            # client retries repeat event ids: tolerated up to quality.max_duplicate_fraction
            gxe.ExpectColumnValuesToBeUnique(
                column="event_id", mostly=1.0 - q.max_duplicate_fraction
            ),
        ]
    return _suite(f"raw_{kind}", ex)


def clean_turns_suite(cfg: RlufConfig, day: str) -> gx.ExpectationSuite:
    lo, hi = day_bounds(day, cfg.quality)
    return _suite(
        "clean_turns",
        [
            gxe.ExpectColumnValuesToBeUnique(column="turn_id"),
            *[gxe.ExpectColumnValuesToNotBeNull(column=c) for c in REQUIRED_COLUMNS["turns"]],
            gxe.ExpectColumnValuesToMatchRegex(column="user_id", regex=PSEUDONYM_REGEX),
            gxe.ExpectColumnValuesToBeBetween(column="ts", min_value=lo, max_value=hi),
            gxe.ExpectColumnValuesToBeBetween(
                column="response_chars", min_value=0, max_value=cfg.quality.max_text_chars
            ),
        ],
    )


def clean_reactions_suite(cfg: RlufConfig, day: str) -> gx.ExpectationSuite:
    lo, hi = day_bounds(day, cfg.quality)
    return _suite(
        "clean_reactions",
        [
            gxe.ExpectColumnValuesToBeUnique(column="event_id"),
            *[
                gxe.ExpectColumnValuesToNotBeNull(column=c)
                for c in (
                    "event_id",
                    "turn_id",
                    "user_id",
                    "ts",
                    "turn_ts",
                    "turn_user_id",
                    "is_receiving_user",
                )
            ],
            gxe.ExpectColumnValuesToMatchRegex(column="user_id", regex=PSEUDONYM_REGEX),
            gxe.ExpectColumnValuesToBeInSet(
                column="reaction", value_set=list(cfg.quality.known_reactions)
            ),
            gxe.ExpectColumnValuesToBeInSet(column="action", value_set=["add", "remove"]),
            gxe.ExpectColumnValuesToBeBetween(column="ts", min_value=lo, max_value=hi),
            gxe.ExpectColumnValuesToBeBetween(column="latency_s", min_value=0),
        ],
    )


def labeled_turns_suite(cfg: RlufConfig, day: str) -> gx.ExpectationSuite:
    return _suite(
        "labeled_turns",
        [
            gxe.ExpectColumnValuesToBeUnique(column="turn_id"),
            gxe.ExpectColumnValuesToBeInSet(column="label", value_set=[0, 1]),
            gxe.ExpectColumnValuesToBeBetween(column="n_reactions", min_value=0),
            gxe.ExpectColumnValuesToBeBetween(column="n_positive_users", min_value=0),
            gxe.ExpectColumnValuesToBeBetween(
                column="first_positive_latency_s",
                min_value=0,
                max_value=cfg.labels.window_hours * 3600,
            ),
            gxe.ExpectColumnValuesToNotBeNull(column="label_window_complete"),
        ],
    )
