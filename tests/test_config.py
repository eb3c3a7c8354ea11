"""Start-up settings: production refuses to run without a secret; defaults are the embedded ones."""
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _start(env_overrides: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MAIL_URL"}}
    env.update({"FAIR_INSTANCE_PATH": str(tmp_path)}, **env_overrides)
    return subprocess.run([sys.executable, "-c", "from fair import create_app; create_app(); print('started')"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)


def test_production_without_secret_key_refuses_to_start_with_a_clear_message(tmp_path):
    result = _start({"FAIR_ENV": "production"}, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "started" not in result.stdout


def test_production_with_secret_key_starts_with_secure_cookies(tmp_path, monkeypatch):
    from fair.config import load_config

    monkeypatch.setenv("FAIR_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    config = load_config()
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert _start({"FAIR_ENV": "production", "SECRET_KEY": "x" * 64}, tmp_path).stdout.strip() == "started"


def test_development_defaults_are_embedded(tmp_path, monkeypatch):
    from fair.config import load_config

    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL", "MAIL_URL", "FAIR_ENV"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FAIR_INSTANCE_PATH", str(tmp_path))
    config = load_config()
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'fair.sqlite3'}"
    assert config["MAIL_URL"] == "" and config["REDIS_URL"] == ""
    # a development key is generated once and kept, so sessions survive a restart
    assert config["SECRET_KEY"] == load_config()["SECRET_KEY"] and len(config["SECRET_KEY"]) == 64
