"""The pipeline config: defaults, RLUF_CONFIG, ${VAR} substitution, and one-line errors naming key and file."""

from __future__ import annotations

import pytest

from rluf_core.config import ConfigError, load_config, parse_config
from tests.conftest import REPO


def test_repo_default_config_loads_with_every_section(rluf_home):
    cfg = load_config(REPO / "dagster_project.yaml")
    for section in (
        "storage",
        "source",
        "labels",
        "quality",
        "adversarial",
        "reward_model",
        "policy",
        "evaluation",
        "promotion",
        "compute",
        "schedules",
    ):
        assert hasattr(cfg, section), section
    assert cfg.storage.lake == str(rluf_home.resolve() / "lake")
    assert cfg.storage.mlflow_uri == "sqlite:///" + str(
        rluf_home.resolve() / "mlflow" / "mlflow.db"
    )
    assert cfg.storage.dagster == str(rluf_home.resolve() / "dagster")
    assert cfg.source_file.endswith("dagster_project.yaml")
    # docs/design.md's policy keys: method, objectives with weights, judges, KL, steps
    assert (
        cfg.policy.judges.safety == "rules"
        and cfg.policy.objectives.p_love == 0.1
        and cfg.policy.kl_coef > 0
    )


def test_rluf_config_env_points_at_another_file(tmp_path, monkeypatch, rluf_home):
    other = tmp_path / "other.yaml"
    other.write_text("seed: 42\nlabels:\n  positive_reaction: thumbs_up\n")
    monkeypatch.setenv("RLUF_CONFIG", str(other))
    cfg = load_config()
    assert cfg.seed == 42 and cfg.labels.positive_reaction == "thumbs_up"


def test_env_substitution_with_default_and_typing(tmp_path, monkeypatch, rluf_home):
    f = tmp_path / "c.yaml"
    f.write_text(
        "seed: ${RLUF_TEST_SEED}\nstorage:\n  mlflow_tracking_uri: ${RLUF_TEST_URI:-http://mlflow:5000}\n"
    )
    monkeypatch.setenv("RLUF_TEST_SEED", "13")
    cfg = load_config(f)
    assert cfg.seed == 13
    assert cfg.storage.mlflow_uri == "http://mlflow:5000"


@pytest.mark.parametrize("secret", ["12345678", "yes", "0x1F", "null", "abc #tail"])
def test_secret_from_the_environment_arrives_whole_and_is_never_echoed(
    tmp_path, rluf_home, monkeypatch, secret
):
    f = tmp_path / "c.yaml"
    f.write_text("privacy:\n  pseudonym_key: ${RLUF_TEST_KEY}\n")
    monkeypatch.setenv("RLUF_TEST_KEY", secret)
    assert load_config(f).privacy.pseudonym_key == secret
    f.write_text("privacy:\n  pseudonym_key: ${RLUF_TEST_KEY}\nsource:\n  kind: ${RLUF_TEST_KEY}\n")
    with pytest.raises(ConfigError) as err:
        load_config(f)
    assert "source.kind" in str(err.value)
    with pytest.raises(
        ConfigError
    ) as err:  # a secret written as a bare number in YAML: named, not shown
        parse_config(
            {"privacy": {"pseudonym_key": 12345678}, "reward_model": {"positive_share": "lots"}}
        )
    msg = str(err.value)
    assert "privacy.pseudonym_key: Input should be a valid string;" in msg and "12345678" not in msg
    assert "reward_model.positive_share: Input should be a valid number" in msg and "'lots'" in msg


def test_secret_is_masked_in_the_recorded_config(rluf_home, monkeypatch):
    monkeypatch.setenv("RLUF_PSEUDONYM_KEY", "s3cret")
    cfg = parse_config({})
    assert cfg.privacy.pseudonym_key == "s3cret"
    assert "s3cret" not in str(cfg.redacted()) and "s3cret" not in repr(cfg)


@pytest.mark.parametrize(
    "text, key, words",
    [
        ("sead: 3\n", "sead", "unknown key"),
        ("reward_model:\n  positive_share: 1.5\n", "reward_model.positive_share", "less than 1"),
        ("labels:\n  window_hours: soon\n", "labels.window_hours", "valid number"),
        ("source:\n  kind: kafka\n", "source.kind", "'simulator'"),
        ("schedules:\n  retrain_cron: '0 3 *'\n", "schedules.retrain_cron", "5 fields"),
        ("schedules:\n  retrain_cron: '99 3 * * 1'\n", "schedules.retrain_cron", "minute '99'"),
        ("schedules:\n  timezone: Not/AZone\n", "schedules.timezone", "IANA time zone"),
        ("seed: 1\nseed: 2\n", "line 2", "'seed' appears twice"),
        ("compute:\n  launcher: slurm\n", "compute.launcher", "'subprocess'"),
        ("source:\n  start_date: yesterday\n", "source.start_date", "date"),
        (
            "storage:\n  mlflow_tracking_uri: ${RLUF_TEST_UNSET_VAR}\n",
            "storage.mlflow_tracking_uri",
            "RLUF_TEST_UNSET_VAR",
        ),
        (
            "promotion:\n  safety_violation_cap: -0.1\n",
            "promotion.safety_violation_cap",
            "greater than or equal",
        ),
        ("adversarial:\n  action: ignore\n", "adversarial.action", "'drop'"),
        (
            "reward_model:\n  epochs: true\n",
            "reward_model.epochs",
            "expected a number, got a boolean",
        ),
        (
            "reward_model:\n  max_train_rows: false\n",
            "reward_model.max_train_rows",
            "got a boolean",
        ),
        ("seed: true\n", "seed", "got a boolean"),
    ],
)
def test_bad_config_gets_one_line_error_naming_key_and_file(tmp_path, rluf_home, text, key, words):
    f = tmp_path / "bad.yaml"
    f.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(f)
    msg = str(err.value)
    assert "\n" not in msg
    assert msg.startswith(str(f)), msg
    assert key in msg and words in msg, msg


def test_invalid_yaml_and_missing_file_are_named(tmp_path, rluf_home):
    f = tmp_path / "broken.yaml"
    f.write_text("seed: [1,\n")
    with pytest.raises(ConfigError, match="broken.yaml.*invalid YAML"):
        load_config(f)
    with pytest.raises(ConfigError, match="nope.yaml: configuration file not found"):
        load_config(tmp_path / "nope.yaml")
    f.write_text("- a\n- b\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_config(f)


@pytest.mark.parametrize(
    "preset",
    sorted((REPO / "rluf_core" / "config" / "presets").glob("*.yaml")),
    ids=lambda p: p.name,
)
def test_every_shipped_preset_validates(preset, rluf_home, monkeypatch):
    monkeypatch.setenv("RLUF_PSEUDONYM_KEY", "k")
    cfg = load_config(preset)
    assert cfg.source_file == str(preset)
