"""Backup and restore as docs/deploy.md describes them: pg_dump -Fc, pg_restore into a new
database, migrate, and the restored site serves the event and a participant's agenda."""

from __future__ import annotations

import glob
import html
import json
import os
import shutil
import subprocess
import sys

import pytest
from django.db import connection
from django.db.models import Q

from matchmaker.demo import services as demo
from matchmaker.demo.scenarios import iter_mission
from matchmaker.meetings.models import Meeting

SERVE = """
import json, django
django.setup()
from django.test import Client
from django.contrib.auth import get_user_model
from matchmaker.meetings.models import Meeting
client = Client()
event = client.get("/events/{slug}/")
# the tests hash passwords with a fast hasher these settings do not know: sign in directly
client.force_login(get_user_model().objects.get(email="{email}"))
agenda = client.get("/events/{slug}/b2b/agenda/")
print(json.dumps({{
    "event": event.status_code, "agenda": agenda.status_code,
    "agenda_page": agenda.content.decode(), "event_page": event.content.decode(),
    "meetings": Meeting.objects.filter(event__slug="{slug}").count(),
}}))
"""


def pg_tool(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return found[0] if found else shutil.which(name)


def database_url(name: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgresql://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{name}"


def run(argv: list[str], env: dict | None = None) -> str:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.django_db(transaction=True)
def test_a_dump_restored_into_a_new_database_serves_the_site(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("backup and restore are tested in the PostgreSQL pass of `make test`")
    pg_dump, pg_restore = pg_tool("pg_dump"), pg_tool("pg_restore")
    if not (pg_dump and pg_restore):
        pytest.skip("pg_dump and pg_restore are not installed")
    event = demo.load_iter_mission()
    participant = event.participants.get(person__email=iter_mission.PARTICIPANT_EMAIL)
    partners = sorted(
        {
            (m.b if m.a_id == participant.pk else m.a).person.name
            for m in Meeting.objects.filter(event=event, status="scheduled")
            .filter(Q(a=participant) | Q(b=participant))
            .select_related("a__person", "b__person")
        }
    )
    meetings = Meeting.objects.filter(event=event).count()
    assert len(partners) >= 3

    backup = tmp_path / "matchmaker.dump"
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored"
    run([pg_dump, "-Fc", "--no-owner", "-f", str(backup), database_url(source)])
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{restored}"')
        cursor.execute(f'CREATE DATABASE "{restored}"')
    try:
        run([pg_restore, "--no-owner", "-d", database_url(restored), str(backup)])
        env = dict(
            os.environ,
            MATCHMAKER_DATABASE_URL=database_url(restored),
            MATCHMAKER_SECRET_KEY="restore-test-key-" + "x" * 40,
            MATCHMAKER_ALLOWED_HOSTS="testserver",
            MATCHMAKER_SSL_REDIRECT="false",  # the test client speaks plain HTTP
            MATCHMAKER_EMBEDDER="tfidf",
            PYTHONPATH=os.pathsep.join(sys.path),
            DJANGO_SETTINGS_MODULE="matchmaker.settings",
        )
        matchmaker = [sys.executable, "-m", "matchmaker"]
        assert "No migrations to apply." in run([*matchmaker, "migrate", "--noinput"], env)
        script = SERVE.format(slug=event.slug, email=iter_mission.PARTICIPANT_EMAIL)
        served = json.loads(run([sys.executable, "-c", script], env).strip().splitlines()[-1])
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)')
    assert (served["event"], served["agenda"]) == (200, 200)
    assert served["meetings"] == meetings
    assert event.name in html.unescape(served["event_page"])
    agenda = html.unescape(served["agenda_page"])
    assert [name for name in partners if name in agenda] == partners
