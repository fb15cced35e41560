"""Cleaning + labelling of one big day (2M turns, 10M reaction events) vs the same work as a
reference DuckDB query, each in its own process (time and peak RSS measured there).

    python -m benchmarks.bench_cleaning [--quick] [--turns N --events M]

"ours" is the production path: rluf_core.cleaning.clean_turns -> clean_reactions -> label_turns
(DuckDB statements + pseudonyms + quarantine + reconciliation, results as pandas frames). The
reference is what a DuckDB user would write for the same outputs (typing, validation with reason
codes, dedup, join, keyed hash of user ids, toggle resolution, labels) without our extras (detail
texts, JSON records, conflicting-duplicate detection, reconciliation counts). Goal: ours/DuckDB
<= 1.5 and peak RSS < 8 GB. Data is synthetic arrays in the raw format (cheap to generate).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

DAY = "2026-01-02"
KEY = "bench-key"
HERE = Path(__file__).resolve().parent
RESULT_FILE = "bench_cleaning.json"  # the file README cites, whether run alone or by benchmarks.run
MEMORY_LIMIT = os.environ.get("RLUF_DUCKDB_MEMORY_LIMIT", "3GB")  # both engines, same limit


# ---- data -------------------------------------------------------------------------------------
def _ids(prefix: str, idx: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(pa.scalar(prefix), pc.cast(pa.array(idx), pa.string()), "")


def _const(value: str, n: int) -> pa.Array:
    return pa.array([value]).take(pa.array(np.zeros(n, dtype=np.int64)))


def _ts_text(seconds: np.ndarray) -> pa.Array:
    """ISO text of `seconds` after the day's start, built from lookup tables (a cast would be slow)."""
    base = np.datetime64(f"{DAY}T00:00:00", "s")
    sec_pool = pa.array(
        [str(base + np.timedelta64(i, "s")).replace("T", " ") for i in range(2 * 86_400)]
    )
    ms_pool = pa.array([f".{i:03d}Z" for i in range(1000)])
    whole = np.clip(seconds, 0, 2 * 86_400 - 1).astype(np.int64)
    ms = ((seconds - np.floor(seconds)) * 1000).astype(np.int64).clip(0, 999)
    return pc.binary_join_element_wise(
        sec_pool.take(pa.array(whole)), ms_pool.take(pa.array(ms)), ""
    )


def generate(n_turns: int, n_events: int, seed: int = 0) -> tuple[pa.Table, pa.Table]:
    """Raw turns and reactions (all text + provenance) with retries, toggles, late and bad rows."""
    rng = np.random.default_rng(seed)
    n_users = max(n_turns // 4, 10)
    t_sec = np.sort(rng.uniform(0, 86_000, n_turns))
    t_user = rng.integers(0, n_users, n_turns)
    texts = pa.array([("word " * int(k)).strip() + f" #{k}" for k in rng.integers(5, 60, 1000)])
    prompts = pa.array([f"question number {k} about something?" for k in range(1000)])
    turn_ids = _ids("t", np.arange(n_turns))
    user_pool = _ids("u", np.arange(n_users))
    turns = pa.table(
        {
            "turn_id": turn_ids,
            "conversation_id": _ids("c", np.arange(n_turns) // 3),
            "user_id": user_pool.take(pa.array(t_user)),
            "ts": _ts_text(t_sec),
            "prompt": prompts.take(pa.array(rng.integers(0, 1000, n_turns))),
            "response": texts.take(pa.array(rng.integers(0, 1000, n_turns))),
            "context": _const("[]", n_turns),
            "policy_version": _const("prod-v1", n_turns),
            "lang": _const("en", n_turns),
            "surface": _const("web", n_turns),
            "topic": pa.array(["code", "cooking", "travel", "health"]).take(
                pa.array(rng.integers(0, 4, n_turns))
            ),
            "_file": _const(f"landing/turns/date={DAY}/part-0.parquet", n_turns),
            "_row": pa.array(np.arange(n_turns)),
            "_error": pa.nulls(n_turns, pa.string()),
            "_error_detail": pa.nulls(n_turns, pa.string()),
            "_raw": pa.nulls(n_turns, pa.string()),
        }
    )
    n_unique = int(n_events / 1.05)
    turn_of = rng.integers(0, n_turns, n_unique)
    receiving = rng.random(n_unique) < 0.8
    users = np.where(receiving, t_user[turn_of], rng.integers(0, n_users, n_unique))
    ev_sec = np.minimum(t_sec[turn_of] + rng.exponential(600, n_unique), 86_399.0)
    reaction = pa.array(["love", "like", "thumbs_up", "haha", "sad"]).take(
        pa.array(rng.choice(5, n_unique, p=[0.4, 0.3, 0.1, 0.1, 0.1]))
    )
    action = pa.array(["add", "remove"]).take(
        pa.array((rng.random(n_unique) >= 0.9).astype(np.int64))
    )
    ev_turn = turn_ids.take(pa.array(turn_of))
    unknown = rng.random(n_unique) < 0.005
    ev_turn = pc.if_else(pa.array(unknown), pa.scalar("t_missing"), ev_turn)
    reactions = pa.table(
        {
            "event_id": _ids("e", np.arange(n_unique)),
            "turn_id": ev_turn,
            "user_id": user_pool.take(pa.array(users)),
            "ts": _ts_text(ev_sec),
            "reaction": reaction,
            "action": action,
        }
    )
    retries = rng.integers(0, n_unique, n_events - n_unique)  # client retries: whole rows repeated
    reactions = pa.concat_tables([reactions, reactions.take(pa.array(retries))])
    bad = rng.random(n_events) < 0.001
    reactions = reactions.set_column(
        3, "ts", pc.if_else(pa.array(bad), pa.scalar("not-a-time"), reactions["ts"])
    )
    n = reactions.num_rows
    for name, arr in (
        ("_file", _const(f"landing/reactions/date={DAY}/part-0.jsonl", n)),
        ("_row", pa.array(np.arange(n))),
        ("_error", pa.nulls(n, pa.string())),
        ("_error_detail", pa.nulls(n, pa.string())),
        ("_raw", pa.nulls(n, pa.string())),
    ):
        reactions = reactions.append_column(name, arr)
    return turns, reactions


# ---- the two engines, each run in a child process --------------------------------------------
def _peak_gb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2, 2)


def run_ours(turns_path: str, rx_path: str) -> dict:
    """The production order (as rluf_core.quality.daily runs it): each raw input is loaded, cleaned
    and released; only the cleaning calls are timed."""
    import gc

    import pandas as pd

    from rluf_core.cleaning import clean_reactions, clean_turns, label_turns
    from rluf_core.config.data import LabelsConfig, PrivacyConfig, QualityConfig

    q, p = QualityConfig(), PrivacyConfig(pseudonym_key=KEY)
    raw = pd.read_parquet(turns_path)
    t0 = time.perf_counter()
    rss = {"after_read_turns": _peak_gb()}
    ct, qt, rec_t = clean_turns(raw, DAY, q, p)
    t1 = time.perf_counter()
    rss["after_clean_turns"] = _peak_gb()
    del raw
    gc.collect()
    raw = pd.read_parquet(rx_path)
    t2 = time.perf_counter()
    rss["after_read_reactions"] = _peak_gb()
    cr, qr, rec_r = clean_reactions(raw, ct[["turn_id", "ts", "user_id", "topic"]], DAY, q, p)
    t3 = time.perf_counter()
    rss["after_clean_reactions"] = _peak_gb()
    del raw
    gc.collect()
    t4 = time.perf_counter()
    lab = label_turns(ct, cr, LabelsConfig(), None)
    t5 = time.perf_counter()
    stages = {"clean_turns": t1 - t0, "clean_reactions": t3 - t2, "label_turns": t5 - t4}
    rss["after_labels"] = _peak_gb()
    return {
        "seconds": sum(stages.values()),
        "stages": stages,
        "peak_rss_gb_by_stage": rss,
        "clean_turns": len(ct),
        "clean_reactions": len(cr),
        "quarantine": len(qt) + len(qr),
        "duplicates": rec_t["duplicates_collapsed"] + rec_r["duplicates_collapsed"],
        "loved": int(lab["label"].sum()),
        "balanced": rec_t["balanced"] and rec_r["balanced"],
    }


REFERENCE_SQL = """
CREATE TEMP TABLE rt2 AS WITH rt AS (SELECT *, TRY_CAST(ts AS TIMESTAMPTZ) AS ts_t FROM raw_t) SELECT *, CASE
    WHEN _error IS NOT NULL THEN _error
    WHEN (turn_id IS NULL OR length(turn_id) = 0 OR (ascii(turn_id) IN (9, 10, 13, 32) AND trim(turn_id) = '')) THEN 'missing_turn_id'
    WHEN (conversation_id IS NULL OR length(conversation_id) = 0 OR (ascii(conversation_id) IN (9, 10, 13, 32) AND trim(conversation_id) = '')) THEN 'missing_conversation_id'
    WHEN (user_id IS NULL OR length(user_id) = 0 OR (ascii(user_id) IN (9, 10, 13, 32) AND trim(user_id) = '')) THEN 'missing_user_id'
    WHEN (prompt IS NULL OR length(prompt) = 0 OR (ascii(prompt) IN (9, 10, 13, 32) AND trim(prompt) = '')) THEN 'missing_prompt'
    WHEN (response IS NULL OR length(response) = 0 OR (ascii(response) IN (9, 10, 13, 32) AND trim(response) = '')) THEN 'missing_response'
    WHEN (policy_version IS NULL OR length(policy_version) = 0 OR (ascii(policy_version) IN (9, 10, 13, 32) AND trim(policy_version) = '')) THEN 'missing_policy_version'
    WHEN ts_t IS NULL THEN 'bad_timestamp' WHEN ts_t < $lo THEN 'ts_too_old' WHEN ts_t > $hi THEN 'ts_in_future'
    WHEN length(prompt) > 100000 OR length(response) > 100000 OR coalesce(length(context), 0) > 100000
        THEN 'text_too_long' END AS reason FROM rt;
CREATE TEMP TABLE ct AS SELECT * EXCLUDE (reason) FROM rt2 WHERE reason IS NULL
    QUALIFY row_number() OVER (PARTITION BY turn_id ORDER BY ts_t, _row) = 1;
CREATE TEMP TABLE pm AS SELECT user_id, 'u_' || left(md5($key || user_id), 20) AS p
    FROM (SELECT user_id FROM ct UNION SELECT user_id FROM raw_r WHERE user_id IS NOT NULL);
CREATE TEMP TABLE rr2 AS WITH rr AS (SELECT *, TRY_CAST(ts AS TIMESTAMPTZ) AS ts_t,
    CASE WHEN reaction IN ('love','like','haha','wow','sad','angry','thumbs_up','thumbs_down','care') THEN reaction
         ELSE lower(trim(reaction)) END AS rn,
    CASE WHEN action IN ('add', 'remove') THEN action ELSE lower(trim(action)) END AS an FROM raw_r)
SELECT *, CASE
    WHEN _error IS NOT NULL THEN _error
    WHEN (event_id IS NULL OR length(event_id) = 0 OR (ascii(event_id) IN (9, 10, 13, 32) AND trim(event_id) = '')) THEN 'missing_event_id'
    WHEN (turn_id IS NULL OR length(turn_id) = 0 OR (ascii(turn_id) IN (9, 10, 13, 32) AND trim(turn_id) = '')) THEN 'missing_turn_id'
    WHEN (user_id IS NULL OR length(user_id) = 0 OR (ascii(user_id) IN (9, 10, 13, 32) AND trim(user_id) = '')) THEN 'missing_user_id'
    WHEN (reaction IS NULL OR length(reaction) = 0 OR (ascii(reaction) IN (9, 10, 13, 32) AND trim(reaction) = '')) THEN 'missing_reaction'
    WHEN (action IS NULL OR length(action) = 0 OR (ascii(action) IN (9, 10, 13, 32) AND trim(action) = '')) THEN 'missing_action'
    WHEN ts_t IS NULL THEN 'bad_timestamp' WHEN ts_t < $lo THEN 'ts_too_old' WHEN ts_t > $hi THEN 'ts_in_future'
    WHEN rn NOT IN ('love','like','haha','wow','sad','angry','thumbs_up','thumbs_down','care') THEN 'unknown_reaction'
    WHEN an NOT IN ('add','remove') THEN 'unknown_action' END AS reason FROM rr;
CREATE TEMP TABLE rd AS SELECT * FROM rr2 WHERE reason IS NULL
    QUALIFY row_number() OVER (PARTITION BY event_id ORDER BY ts_t, _row) = 1;
CREATE TEMP TABLE cr AS SELECT r.event_id, r.turn_id, pu.p AS user_id, r.ts_t AS ts, r.rn AS reaction,
    r.an AS action, t.ts_t AS turn_ts, pt.p AS turn_user_id, pu.p = pt.p AS is_receiving_user,
    epoch(r.ts_t) - epoch(t.ts_t) AS latency_s, t.ts_t::DATE AS turn_day, t.topic
    FROM rd r JOIN ct t USING (turn_id) JOIN pm pu ON pu.user_id = r.user_id JOIN pm pt ON pt.user_id = t.user_id
    WHERE r.ts_t >= t.ts_t;
CREATE TEMP TABLE q AS
    SELECT 'turns' AS source, _file AS file, _row AS row, reason FROM rt2 WHERE reason IS NOT NULL
    UNION ALL SELECT 'reactions', _file, _row, reason FROM rr2 WHERE reason IS NOT NULL
    UNION ALL SELECT 'reactions', r._file, r._row, CASE WHEN t.turn_id IS NULL THEN 'unknown_turn'
        ELSE 'reaction_before_turn' END FROM rd r LEFT JOIN ct t USING (turn_id)
        WHERE t.turn_id IS NULL OR r.ts_t < t.ts_t;
CREATE TEMP TABLE lab AS WITH inwin AS (SELECT * FROM cr WHERE latency_s <= 86400),
    state AS (SELECT turn_id, user_id, last(action ORDER BY ts, event_id) AS fa, bool_or(is_receiving_user) AS recv,
              min(latency_s) FILTER (WHERE action = 'add') AS first_add
              FROM inwin WHERE reaction = 'love' GROUP BY turn_id, user_id),
    pos AS (SELECT turn_id, max(recv::INT) AS label, count(*) AS n_pos, min(first_add) FILTER (WHERE recv) AS fpl
            FROM state WHERE fa = 'add' GROUP BY turn_id),
    cnt AS (SELECT turn_id, count(DISTINCT event_id) AS n FROM inwin GROUP BY turn_id)
    SELECT t.turn_id, t.conversation_id, p.p AS user_id, t.ts_t AS ts, t.prompt, t.response, t.context,
           t.policy_version, t.lang, t.surface, t.topic, length(t.response) AS response_chars,
           coalesce(pos.label, 0) AS label, coalesce(cnt.n, 0) AS n_reactions, coalesce(pos.n_pos, 0) AS n_positive_users,
           pos.fpl AS first_positive_latency_s, FALSE AS label_window_complete
    FROM ct t JOIN pm p USING (user_id) LEFT JOIN pos USING (turn_id) LEFT JOIN cnt USING (turn_id);
"""


def run_duckdb(turns_path: str, rx_path: str) -> dict:
    import pandas as pd

    from rluf_core.cleaning.classify import day_bounds
    from rluf_core.cleaning.engine import connect
    from rluf_core.config.data import QualityConfig

    raw_t, raw_r = pd.read_parquet(turns_path), pd.read_parquet(rx_path)
    lo, hi = day_bounds(DAY, QualityConfig())
    t0 = time.perf_counter()
    con = connect(memory_limit=MEMORY_LIMIT)
    con.register("raw_t", pa.Table.from_pandas(raw_t, preserve_index=False))
    con.register("raw_r", pa.Table.from_pandas(raw_r, preserve_index=False))
    for stmt in [s for s in REFERENCE_SQL.split(";") if s.strip()]:
        params = {k: v for k, v in {"lo": lo, "hi": hi, "key": KEY}.items() if f"${k}" in stmt}
        con.execute(stmt, params)
    outs = {
        name: con.sql(f"SELECT * FROM {name}").to_arrow_table() for name in ("ct", "cr", "lab", "q")
    }
    secs = time.perf_counter() - t0
    return {
        "seconds": secs,
        "clean_turns": outs["ct"].num_rows,
        "clean_reactions": outs["cr"].num_rows,
        "quarantine": outs["q"].num_rows,
        "loved": int(pc.sum(outs["lab"]["label"]).as_py() or 0),
    }


def _child(engine: str, turns_path: str, rx_path: str) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_cleaning", "--child", engine, turns_path, rx_path],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{engine} child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run(args: argparse.Namespace) -> dict:
    quick = getattr(args, "quick", False)
    n_turns = getattr(args, "turns", None) or (200_000 if quick else 2_000_000)
    n_events = getattr(args, "events", None) or (1_000_000 if quick else 10_000_000)
    with tempfile.TemporaryDirectory(prefix="rluf-bench-clean-") as tmp:
        t = time.perf_counter()
        turns, rx = generate(n_turns, n_events)
        tp, rp = f"{tmp}/raw_turns.parquet", f"{tmp}/raw_reactions.parquet"
        pq.write_table(turns, tp)
        pq.write_table(rx, rp)
        del turns, rx
        gen_s = time.perf_counter() - t
        print(
            f"generated {n_turns:,} turns + {n_events:,} events in {gen_s:.1f} s", file=sys.stderr
        )
        ref = _child("duckdb", tp, rp)
        ours = _child("ours", tp, rp)
    ratio = ours["seconds"] / ref["seconds"]
    gb = 1024**3
    rows = [
        {
            "engine": "rluf (ours)",
            "turns": n_turns,
            "events": n_events,
            "seconds": ours["seconds"],
            "events_per_s": n_events / ours["seconds"],
            "peak_rss_gb": ours["peak_rss"] / gb,
            "clean_reactions": ours["clean_reactions"],
            "quarantine": ours["quarantine"],
            "loved": ours["loved"],
        },
        {
            "engine": "DuckDB reference",
            "turns": n_turns,
            "events": n_events,
            "seconds": ref["seconds"],
            "events_per_s": n_events / ref["seconds"],
            "peak_rss_gb": ref["peak_rss"] / gb,
            "clean_reactions": ref["clean_reactions"],
            "quarantine": ref["quarantine"],
            "loved": ref["loved"],
        },
    ]
    return {
        "rows": rows,
        "ratio_ours_over_duckdb": ratio,
        "goal_ratio": 1.5,
        "goal_peak_rss_gb": 8.0,
        "meets_goal": ratio <= 1.5 and ours["peak_rss"] < 8 * gb,
        "ours_stages_s": ours["stages"],
        "ours_balanced": ours["balanced"],
        "ours_peak_rss_gb_by_stage": ours["peak_rss_gb_by_stage"],
        "duplicates_collapsed": ours["duplicates"],
        "same_outputs": all(
            ours[k] == ref[k] for k in ("clean_turns", "clean_reactions", "quarantine", "loved")
        ),
        "generate_seconds": gen_s,
        "threads": os.cpu_count(),
        "duckdb_memory_limit": MEMORY_LIMIT,
        "command": "python -m benchmarks.bench_cleaning" + (" --quick" if quick else ""),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="200k turns + 1M events")
    ap.add_argument("--turns", type=int, default=None)
    ap.add_argument("--events", type=int, default=None)
    ap.add_argument(
        "--child", nargs=3, metavar=("ENGINE", "TURNS", "REACTIONS"), help=argparse.SUPPRESS
    )
    args = ap.parse_args(argv)
    if args.child:
        engine, tp, rp = args.child
        out = (run_ours if engine == "ours" else run_duckdb)(tp, rp)
        out["peak_rss"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        print(json.dumps(out))
        return 0
    from benchmarks.run import machine, print_table, write_result

    t0, at = time.perf_counter(), machine()
    result = run(args)
    print_table(result["rows"])
    print(
        f"ratio ours/DuckDB = {result['ratio_ours_over_duckdb']:.2f} (goal <= 1.5); same outputs: "
        f"{result['same_outputs']}; stages: { {k: round(v, 2) for k, v in result['ours_stages_s'].items()} }"
    )
    out = write_result(
        RESULT_FILE, {"benchmark": "bench_cleaning", **result}, t0, at, quick=args.quick
    )
    print(f"-> {out.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
