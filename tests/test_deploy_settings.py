"""Production settings (DEBUG off) pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def check_deploy(tmp_path, **environment) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` with the production settings module and a production environment."""
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="riskplatform.settings",
        DEBUG="0",
        SECRET_KEY="a-long-random-production-key-" + "x" * 40,
        ALLOWED_HOSTS="safety.example.gov.cn",
        VAR_DIR=str(tmp_path),
        **environment,
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_debug_off(tmp_path):
    result = check_deploy(tmp_path, SITE_URL="https://safety.example.gov.cn")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_warns_when_qr_tags_would_carry_the_demo_address(tmp_path):
    result = check_deploy(tmp_path)
    assert result.returncode != 0
    assert "enterprises.W001" in result.stdout + result.stderr
