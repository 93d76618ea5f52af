"""Production settings: refuse to start without a secret, and pass Django's deployment checks."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Only what the settings need, so that the developer's own variables do not leak in.
    base = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/tmp"),
            "OPSROOM_VAR_DIR": os.environ.get("OPSROOM_VAR_DIR", str(ROOT / "var"))}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=base | env,
                          capture_output=True, text=True, timeout=120)


PRODUCTION = {"OPSROOM_ENV": "production", "ALLOWED_HOSTS": "opsroom.example",
              "OPSROOM_CAMERA_CREDENTIAL_KEYS": "Hm1Hb4c5ZtqFvQk8WbQ3bVw2m1ZkR0c5pXJ8y7T2s9E=",
              "DATABASE_URL": "postgres://opsroom@db.invalid:5432/opsroom",
              "REDIS_URL": "redis://redis.invalid:6379/0"}
STRONG_KEY = "k3Y-" + "Zq8vR2mW9pL4xN7cT1bF6hJ3sD5gA0eU" * 2


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = manage("check", **PRODUCTION)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_refuses_to_start_without_camera_credential_keys() -> None:
    without = {k: v for k, v in PRODUCTION.items() if k != "OPSROOM_CAMERA_CREDENTIAL_KEYS"}
    result = manage("check", **without, SECRET_KEY=STRONG_KEY)
    assert result.returncode != 0
    assert "OPSROOM_CAMERA_CREDENTIAL_KEYS" in result.stderr


def test_production_passes_the_deployment_checks_without_warnings() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, SECRET_KEY=STRONG_KEY)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_reads_the_secret_from_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret_key"
    secret.write_text(STRONG_KEY + "\n")
    show = "from django.conf import settings; print(settings.SECRET_KEY, settings.DEBUG)"
    result = manage("shell", "--no-imports", "-c", show, **PRODUCTION, SECRET_KEY_FILE=str(secret))
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [STRONG_KEY, "False"]


@pytest.mark.parametrize(("name", "value"), [("DEBUG", "maybe"), ("SESSION_COOKIE_AGE_S", "12h")])
def test_a_malformed_setting_stops_the_start(name: str, value: str) -> None:
    result = manage("check", **{name: value})
    assert result.returncode != 0
    assert re.search(rf"SettingError: {name}=", result.stderr)


def test_env_example_lists_every_variable_the_settings_read() -> None:
    settings_source = (ROOT / "opsroom" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list|optional_str)\(\s*"([A-Z0-9_]+)"', settings_source))
    listed = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.MULTILINE))
    assert read, "the pattern no longer finds the settings' variables"
    assert read - listed == set()
