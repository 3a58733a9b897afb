"""Production defaults: without development mode the process needs a secret key, serves only
HTTPS with HSTS, Secure cookies and a Content-Security-Policy, and sends email over SMTP.

Each check starts a fresh process, because the settings are read from the environment once, at
start-up, and the test suite itself runs in development mode.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import matchmaker
from tests.core.test_csp import CSP, policy

SRC = Path(matchmaker.__file__).resolve().parent.parent
SECRET = "x7Qp2Lr9Vt4Kw8Nz3Hs6Jd1Fg5Bm0Cy7Xa2Ue9Io4Pq8Rt3Lk6" + "Zz"
HOST = "match.example.org"


def run(tmp_path, args: list[str], **env: str) -> subprocess.CompletedProcess:
    """`args` under a clean environment: no MATCHMAKER_* variable except those given."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MATCHMAKER_", "DJANGO_"))}
    clean.update(PYTHONPATH=str(SRC), MATCHMAKER_VAR_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, *args], env=clean, capture_output=True, text=True, timeout=120
    )


REFUSAL = (
    "matchmaker: MATCHMAKER_SECRET_KEY is not set: give it a long random value "
    "(or set MATCHMAKER_DEV=1 on a development machine).\n"
)


@pytest.mark.parametrize("command", [["check"], ["migrate", "--noinput"], ["load_demo"], ["help"]])
def test_production_without_a_secret_key_refuses_to_start_with_one_line(tmp_path, command):
    result = run(tmp_path, ["-m", "matchmaker", *command])
    assert (result.returncode, result.stdout, result.stderr) == (2, "", REFUSAL)
    assert not (tmp_path / "matchmaker.sqlite3").exists()


def test_the_wsgi_application_refuses_to_load_without_a_secret_key(tmp_path):
    result = run(tmp_path, ["-c", "import matchmaker.wsgi"])
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: MATCHMAKER_SECRET_KEY is not set: give it "
        "a long random value (or set MATCHMAKER_DEV=1 on a development machine)."
    )


@pytest.mark.parametrize("switch", ["MATCHMAKER_DEV", "MATCHMAKER_DEBUG"])
def test_development_mode_runs_without_a_secret_key(tmp_path, switch):
    result = run(tmp_path, ["-m", "matchmaker", "check"], **{switch: "1"})
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_deploy_check_is_clean_with_the_production_defaults(tmp_path):
    result = run(
        tmp_path,
        ["-m", "matchmaker", "check", "--deploy", "--fail-level", "WARNING"],
        MATCHMAKER_SECRET_KEY=SECRET,
        MATCHMAKER_ALLOWED_HOSTS=HOST,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"


PROBE = f"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

client = Client()
plain = client.get("/accounts/login/", headers={{"host": "{HOST}"}})
https = client.get("/accounts/login/", secure=True, headers={{"host": "{HOST}"}})
print(json.dumps({{
    "plain": [plain.status_code, plain.headers.get("Location")],
    "https": https.status_code,
    "hsts": https.headers.get("Strict-Transport-Security"),
    "csp": https.headers.get("Content-Security-Policy"),
    "csrf_cookie_secure": bool(https.cookies["csrftoken"]["secure"]),
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "proxy_header": settings.SECURE_PROXY_SSL_HEADER,
    "email": settings.MATCHMAKER_EMAIL_DELIVERY_BACKEND,
    "keep_days": settings.MATCHMAKER_OUTBOX_KEEP_DAYS,
}}))
"""


def probe(tmp_path, **env: str) -> dict:
    import json

    env = {
        "DJANGO_SETTINGS_MODULE": "matchmaker.settings",
        "MATCHMAKER_SECRET_KEY": SECRET,
        "MATCHMAKER_ALLOWED_HOSTS": HOST,
        **env,
    }
    result = run(tmp_path, ["-c", PROBE], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_serves_https_only_with_hsts_csp_and_secure_cookies(tmp_path):
    seen = probe(tmp_path)
    csp = policy(seen.pop("csp"))
    assert csp == CSP
    assert seen == {
        "plain": [301, f"https://{HOST}/accounts/login/"],
        "https": 200,
        "hsts": "max-age=31536000; includeSubDomains; preload",
        "csrf_cookie_secure": True,
        "session_cookie_secure": True,
        "proxy_header": None,
        "email": "django.core.mail.backends.smtp.EmailBackend",
        "keep_days": 90,
    }


def test_behind_a_tls_proxy_the_settings_can_be_relaxed_explicitly(tmp_path):
    seen = probe(
        tmp_path,
        MATCHMAKER_SSL_REDIRECT="false",
        MATCHMAKER_TRUST_X_FORWARDED_PROTO="true",
        MATCHMAKER_HSTS_SECONDS="3600",
        MATCHMAKER_HSTS_INCLUDE_SUBDOMAINS="false",
        MATCHMAKER_HSTS_PRELOAD="false",
        MATCHMAKER_EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        MATCHMAKER_OUTBOX_KEEP_DAYS="30",
    )
    assert (seen["plain"], seen["hsts"]) == ([200, None], "max-age=3600")
    assert seen["proxy_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # printing instead of sending is allowed when it is asked for by name
    assert seen["email"] == "django.core.mail.backends.console.EmailBackend"
    assert seen["keep_days"] == 30


def test_development_mode_relaxes_https_and_prints_email(tmp_path):
    seen = probe(tmp_path, MATCHMAKER_DEV="1", MATCHMAKER_SECRET_KEY="")
    csp = policy(seen.pop("csp"))
    assert csp == CSP
    assert seen == {
        "plain": [200, None],
        "https": 200,
        "hsts": None,
        "csrf_cookie_secure": False,
        "session_cookie_secure": False,
        "proxy_header": None,
        "email": "matchmaker.core.mail_console.EmailBackend",
        "keep_days": 90,
    }
