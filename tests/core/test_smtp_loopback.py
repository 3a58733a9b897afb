"""Through the outbox to a real SMTP server on loopback (aiosmtpd), and back.

Also: while the server is down the message waits in the outbox with a retry scheduled, and
`send_outbox` delivers it once the server is up; a message is recorded as sent before anything
else can go wrong, so duplicates need a worker to die in one narrow window.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import smtplib
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import send_mail
from django.core.mail.backends.smtp import EmailBackend as SMTPBackend
from django.core.management import call_command
from django.utils import timezone

from matchmaker.core import mail as outbox
from matchmaker.core.models import OutboxMessage
from tests.factories import UserFactory


class Collector:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_settings(settings):
    port = free_port()
    settings.EMAIL_BACKEND = "matchmaker.core.mail.OutboxBackend"
    settings.MATCHMAKER_EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Matchmaker <noreply@matchmaker.test>"
    return settings


@pytest.fixture
def smtp_server(smtp_settings):
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    yield handler
    controller.stop()


def _parse(envelope) -> email.message.EmailMessage:
    # on the wire lines end in CRLF; read the message back as a mail client would
    raw = envelope.original_content.replace(b"\r\n", b"\n")
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.django_db
def test_templated_email_through_a_real_smtp_server(smtp_server, tmp_path, settings):
    folder = tmp_path / "loop"
    folder.mkdir()
    (folder / "x_subject.txt").write_text("Spotkanie z {{ who }}")
    (folder / "x.txt").write_text(
        '{% extends "email/base.txt" %}{% block body %}Meeting with {{ who }} at table 3.{% endblock %}'
    )
    (folder / "x.html").write_text(
        '{% extends "email/base.html" %}{% block body %}<p>Meeting with {{ who }}</p>{% endblock %}'
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    settings.SITE_URL = "https://match.example.org"
    user = UserFactory(email="lukasz@example.org", name="Łukasz Żółć", language="en")

    assert outbox.send_templated("loop/x", {"who": "Anna & Bob"}, user)

    stored = OutboxMessage.objects.get()
    assert (stored.status, stored.attempts) == ("sent", 1)
    (envelope,) = smtp_server.received
    assert envelope.mail_from == "noreply@matchmaker.test"
    assert envelope.rcpt_tos == ["lukasz@example.org"]
    message = _parse(envelope)
    assert message["Subject"] == "Spotkanie z Anna & Bob"
    assert message["To"] == "Łukasz Żółć <lukasz@example.org>"
    assert message["Message-ID"] == stored.headers["Message-ID"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert text == (
        "Hello Łukasz Żółć,\n"
        "\n"
        "Meeting with Anna & Bob at table 3.\n"
        "\n"
        "-- \n"
        "Matchmaker · https://match.example.org/\n"
    )
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<p>Meeting with Anna &amp; Bob</p>" in html


@pytest.mark.django_db
def test_server_down_then_up_nothing_is_lost(smtp_settings):
    send_mail("Agenda published", "Your agenda is ready.", None, ["eva@example.org"])
    stored = OutboxMessage.objects.get()
    assert (stored.status, stored.attempts) == ("failed", 1)
    assert stored.last_error.startswith("ConnectionRefusedError")
    assert stored.next_attempt_at > timezone.now()

    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    try:
        OutboxMessage.objects.filter(pk=stored.pk).update(next_attempt_at=timezone.now())
        call_command("send_outbox")
    finally:
        controller.stop()

    stored.refresh_from_db()
    assert (stored.status, stored.attempts) == ("sent", 2)
    (envelope,) = handler.received
    message = _parse(envelope)
    assert (message["Subject"], envelope.rcpt_tos) == ("Agenda published", ["eva@example.org"])
    assert message.get_content() == "Your agenda is ready.\n"


# --- at-least-once, duplicates rare -------------------------------------------------------------


class WorkerKilled(BaseException):
    """The worker process ends here (SIGKILL, OOM): nothing after this line runs."""


class KilledWhileClosing(SMTPBackend):
    """Real SMTP; the worker dies while it says goodbye (QUIT) to the server. Records what the
    database knew about the message at that moment."""

    seen: list[tuple[str, int]] = []

    def close(self):
        message = OutboxMessage.objects.get()
        KilledWhileClosing.seen.append((message.status, message.attempts))
        super().close()
        raise WorkerKilled


def store_only(settings) -> OutboxMessage:
    """Store one message without running its task, so the test plays the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    send_mail("Agenda published", "Your agenda is ready.", None, ["eva@example.org"])
    return OutboxMessage.objects.get()


class QuitFails(SMTPBackend):
    """Real SMTP; the server accepted the message, then the goodbye fails."""

    def close(self):
        super().close()
        raise smtplib.SMTPResponseException(421, b"Closing connection")


@pytest.mark.django_db
def test_a_message_is_marked_sent_before_the_connection_is_closed(smtp_server, smtp_settings):
    smtp_settings.MATCHMAKER_EMAIL_DELIVERY_BACKEND = f"{__name__}.KilledWhileClosing"
    KilledWhileClosing.seen = []
    stored = store_only(smtp_settings)
    with pytest.raises(WorkerKilled):
        outbox.deliver(stored.pk)
    assert KilledWhileClosing.seen == [("sent", 1)]
    stored.refresh_from_db()
    assert (stored.status, stored.attempts, stored.next_attempt_at) == ("sent", 1, None)
    # long after the lease: nothing to send again
    later = timezone.now() + outbox.LEASE + dt.timedelta(hours=1)
    assert outbox.send_due(now=later) == {"sent": 0, "failed": 0, "skipped": 0}
    assert len(smtp_server.received) == 1


@pytest.mark.django_db
def test_a_failed_goodbye_after_acceptance_is_not_a_failed_attempt(smtp_server, smtp_settings):
    smtp_settings.MATCHMAKER_EMAIL_DELIVERY_BACKEND = f"{__name__}.QuitFails"
    send_mail("Agenda published", "Your agenda is ready.", None, ["eva@example.org"])
    stored = OutboxMessage.objects.get()
    assert (stored.status, stored.attempts, stored.last_error) == ("sent", 1, "")
    later = timezone.now() + outbox.LEASE + dt.timedelta(hours=1)
    assert outbox.send_due(now=later) == {"sent": 0, "failed": 0, "skipped": 0}
    assert len(smtp_server.received) == 1


@pytest.mark.django_db
def test_the_remaining_window_a_duplicate_carries_the_same_message_id(
    smtp_server, smtp_settings, monkeypatch
):
    """Documented in docs/deploy.md: a worker that dies after the server accepted the message
    and before the database recorded it sends it again once the lease is over, under the same
    Message-ID so that the receiving side can drop the copy."""

    connections = []

    def connect():
        connections.append(real_connection())
        return connections[-1]

    def killed(message):
        raise WorkerKilled

    real_connection = outbox.delivery_connection
    stored = store_only(smtp_settings)
    with monkeypatch.context() as patch:
        patch.setattr(outbox, "delivery_connection", connect)
        patch.setattr(outbox, "_mark_sent", killed)
        with pytest.raises(WorkerKilled):
            outbox.deliver(stored.pk)
    connections[0].close()  # the dead process's socket, closed by the operating system
    stored.refresh_from_db()
    assert len(smtp_server.received) == 1
    assert (stored.status, stored.attempts) == ("queued", 1)
    # within the lease nobody touches it
    soon = timezone.now() + outbox.LEASE - dt.timedelta(seconds=5)
    assert outbox.send_due(now=soon) == {"sent": 0, "failed": 0, "skipped": 0}
    # the lease runs out: the message goes again
    OutboxMessage.objects.filter(pk=stored.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
    assert outbox.send_due() == {"sent": 1, "failed": 0, "skipped": 0}
    first, second = (_parse(envelope) for envelope in smtp_server.received)
    assert first["Message-ID"] == second["Message-ID"] == stored.headers["Message-ID"]
    stored.refresh_from_db()
    assert (stored.status, stored.attempts) == ("sent", 2)
