"""Security headers of every page: the Content Security Policy (django-csp), HSTS and secure cookies."""

import re
from pathlib import Path

import pytest

from tests.test_deploy_settings import check_deploy

ROOT = Path(__file__).resolve().parents[1]


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


@pytest.mark.django_db
def test_login_page_carries_the_policy(client):
    policy = directives(client.get("/login/"))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:", "blob:"]
    assert policy["worker-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    # The console's and notifications' WebSockets, on the page's own host only.
    assert policy["connect-src"] == ["'self'", "ws://testserver"]


@pytest.mark.django_db
def test_websocket_source_follows_tls(client):
    policy = directives(client.get("/login/", secure=True))
    assert policy["connect-src"] == ["'self'", "wss://testserver"]


def test_no_page_policy_allows_inline_scripts_or_eval(client, db, admin_user):
    client.force_login(admin_user)
    for path in ("/sites/", "/api/docs/", "/admin/"):
        policy = directives(client.get(path))
        assert "'unsafe-inline'" not in policy["script-src"], path
        assert "'unsafe-eval'" not in policy["script-src"], path


def test_only_the_api_docs_allow_inline_styles(client, db, admin_user):
    client.force_login(admin_user)
    assert "'unsafe-inline'" in directives(client.get("/api/docs/"))["style-src"]
    assert "'unsafe-inline'" not in directives(client.get("/sites/"))["style-src"]
    assert "'unsafe-inline'" not in directives(client.get("/admin/"))["style-src"]


def test_templates_have_no_inline_script_or_handler():
    """Every script is a file under static/js (or a vendor's); json_script blocks are data."""
    offending = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offending.append(f"{template}: {tag}")
        if re.search(r"\son[a-z]+\s*=", text):
            offending.append(f"{template}: inline handler")
        if template.parent.name != "pdf" and not template.name.endswith("_pdf.html") and 'style="' in text:
            # PDFs are laid out by WeasyPrint, never shown by a browser under the policy.
            offending.append(f"{template}: inline style")
    assert offending == []


def test_json_script_is_data_not_code():
    from django.utils.html import json_script

    assert json_script({"a": "</script>"}, "x").startswith('<script id="x" type="application/json">')


def test_production_sends_hsts_and_secure_cookies(tmp_path):
    """With DEBUG off: HSTS for a year, cookies only over HTTPS, and check --deploy has nothing to say."""
    result = check_deploy(tmp_path, SITE_URL="https://safety.example.gov.cn")
    assert result.returncode == 0, result.stdout + result.stderr
    import subprocess
    import sys

    script = (
        "from django.conf import settings as s;"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT,"
        " s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "riskplatform.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k" * 60,
        "VAR_DIR": str(tmp_path),
    }
    shown = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {script}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.stdout.split() == ["31536000", "True", "True", "True", "True", "Lax"], shown.stderr
