"""The email outbox: stores every message, delivers through a task, retries, never loses one."""

from __future__ import annotations

import base64
import datetime as dt
import smtplib
from email.mime.text import MIMEText
from email.utils import formataddr

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends

from matchmaker.core import mail as outbox
from matchmaker.core.models import OutboxMessage
from tests.factories import EventFactory, PersonFactory, UserFactory

LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
FAILING = "tests.core.test_mail.FailingBackend"


class FailingBackend(outbox.BaseEmailBackend):
    """A delivery backend whose SMTP server is always down."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def smtp_down(use_outbox):
    use_outbox.MATCHMAKER_EMAIL_DELIVERY_BACKEND = FAILING
    return use_outbox


def _send(**overrides) -> OutboxMessage:
    fields = {"subject": "Hello", "body": "Text body", "to": ["ann@example.org"]}
    fields.update(overrides)
    EmailMessage(**fields).send()
    return OutboxMessage.objects.latest("pk")


def _make_due(message: OutboxMessage) -> None:
    OutboxMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


@pytest.mark.django_db
def test_outbox_stores_every_part_and_delivers_it_unchanged(use_outbox):
    email = EmailMultiAlternatives(
        subject="Zażółć & co",
        body="Plain text\nsecond line",
        from_email="Org <org@example.org>",
        to=["Ann <ann@example.org>"],
        cc=["cc@example.org"],
        bcc=["bcc@example.org"],
        reply_to=["reply@example.org"],
        headers={"X-Matchmaker-Event": "42", "X-Custom": "yes"},
    )
    email.attach_alternative("<p>HTML</p>", "text/html")
    assert email.send() == 1

    stored = OutboxMessage.objects.get()
    assert (stored.from_email, stored.to, stored.cc, stored.bcc, stored.reply_to) == (
        "Org <org@example.org>",
        ["Ann <ann@example.org>"],
        ["cc@example.org"],
        ["bcc@example.org"],
        ["reply@example.org"],
    )
    assert (stored.subject, stored.body, stored.html_body) == (
        "Zażółć & co",
        "Plain text\nsecond line",
        "<p>HTML</p>",
    )
    assert stored.event_id == 42
    assert stored.headers["X-Custom"] == "yes"
    assert "X-Matchmaker-Event" not in stored.headers
    assert stored.headers["Message-ID"].endswith("@example.org>")

    (sent,) = mail.outbox
    assert (sent.subject, sent.body, sent.to, sent.cc, sent.bcc, sent.reply_to) == (
        "Zażółć & co",
        "Plain text\nsecond line",
        ["Ann <ann@example.org>"],
        ["cc@example.org"],
        ["bcc@example.org"],
        ["reply@example.org"],
    )
    assert [tuple(a) for a in sent.alternatives] == [("<p>HTML</p>", "text/html")]
    message = sent.message()
    assert message["X-Custom"] == "yes"
    assert message["Message-ID"] == stored.headers["Message-ID"]
    assert message["X-Matchmaker-Event"] is None


@pytest.mark.django_db
def test_deliver_marks_sent(use_outbox):
    stored = _send()
    assert stored.status == OutboxMessage.Status.SENT
    assert stored.attempts == 1
    assert stored.sent_at is not None and stored.next_attempt_at is None
    assert stored.event_id is None
    # delivering again does not send twice
    assert outbox.deliver(stored.pk) == "skipped"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_message_waits_in_the_outbox_until_a_worker_sends_it(use_outbox):
    use_outbox.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    stored = _send()
    assert stored.status == OutboxMessage.Status.QUEUED and stored.attempts == 0
    assert mail.outbox == []
    (result,) = task_backends["default"].results
    assert result.task.name == "deliver_email" and result.args == [stored.pk]
    assert outbox.deliver(stored.pk) == "sent"
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_smtp_failure_keeps_the_message_and_schedules_a_retry(smtp_down):
    before = timezone.now()
    stored = _send(subject="Important")
    assert stored.status == OutboxMessage.Status.FAILED
    assert stored.attempts == 1
    assert stored.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert (
        before + dt.timedelta(minutes=1)
        <= stored.next_attempt_at
        <= timezone.now() + dt.timedelta(minutes=1)
    )
    assert mail.outbox == []

    # not due yet: cron leaves it alone
    call_command("send_outbox")
    stored.refresh_from_db()
    assert stored.attempts == 1

    # SMTP is back and the retry time has come: cron sends it
    smtp_down.MATCHMAKER_EMAIL_DELIVERY_BACKEND = LOCMEM
    _make_due(stored)
    call_command("send_outbox")
    stored.refresh_from_db()
    assert (stored.status, stored.attempts) == (OutboxMessage.Status.SENT, 2)
    assert [m.subject for m in mail.outbox] == ["Important"]


@pytest.mark.django_db
def test_retries_back_off_then_give_up_after_five_attempts(smtp_down):
    stored = _send()
    delays = []
    for _attempt in range(4):
        stored.refresh_from_db()
        delays.append(round((stored.next_attempt_at - timezone.now()).total_seconds() / 60))
        _make_due(stored)
        assert outbox.deliver(stored.pk) == "failed"
    stored.refresh_from_db()
    assert delays == [1, 5, 30, 120]
    assert (stored.status, stored.attempts, stored.next_attempt_at) == ("failed", 5, None)
    # given up: neither the task nor cron tries again
    assert outbox.deliver(stored.pk) == "skipped"
    assert not outbox.due_messages().exists()
    call_command("send_outbox")
    stored.refresh_from_db()
    assert stored.attempts == 5
    # a manual retry once SMTP works sends it
    smtp_down.MATCHMAKER_EMAIL_DELIVERY_BACKEND = LOCMEM
    assert outbox.retry(stored)
    assert (stored.status, stored.attempts) == ("sent", 6)
    assert len(mail.outbox) == 1
    assert not outbox.retry(stored)  # only failed ones


@pytest.mark.django_db
def test_retry_task_is_enqueued_for_later_when_the_backend_can_defer(smtp_down):
    smtp_down.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    stored = _send()
    assert outbox.deliver(stored.pk) == "failed"
    stored.refresh_from_db()
    first, retry = task_backends["default"].results
    assert first.task.run_after is None
    assert retry.task.run_after == stored.next_attempt_at
    assert retry.args == [stored.pk]


@pytest.mark.django_db
def test_give_up_messages_are_revived_by_send_outbox_failed(smtp_down):
    stored = _send()
    OutboxMessage.objects.filter(pk=stored.pk).update(attempts=5, next_attempt_at=None)
    smtp_down.MATCHMAKER_EMAIL_DELIVERY_BACKEND = LOCMEM
    call_command("send_outbox", "--failed")
    stored.refresh_from_db()
    assert stored.status == "sent"


@pytest.mark.django_db
def test_send_outbox_sends_queued_messages_no_worker_picked_up(use_outbox, capsys):
    use_outbox.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    fresh = _send(subject="fresh")
    stuck = _send(subject="stuck")
    OutboxMessage.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=6)
    )
    call_command("send_outbox")
    assert capsys.readouterr().out.strip() == "sent 1, failed 0, skipped 0, purged 0"
    assert [m.subject for m in mail.outbox] == ["stuck"]
    fresh.refresh_from_db()
    assert fresh.status == "queued"


@pytest.mark.django_db
def test_a_message_being_sent_by_another_worker_is_left_alone(use_outbox):
    use_outbox.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    stored = _send()
    # another worker has claimed it (attempt counted, lease set) and is talking to SMTP
    OutboxMessage.objects.filter(pk=stored.pk).update(
        attempts=1, next_attempt_at=timezone.now() + outbox.LEASE
    )
    assert outbox.deliver(stored.pk) == "skipped"
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_delivery_backend_cannot_be_the_outbox(use_outbox):
    use_outbox.MATCHMAKER_EMAIL_DELIVERY_BACKEND = "matchmaker.core.mail.OutboxBackend"
    stored = _send()
    assert stored.status == "failed"
    assert stored.last_error.startswith("ImproperlyConfigured")
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_attachments_are_stored_and_sent(use_outbox):
    email = EmailMessage("With file", "see attached", to=["ann@example.org"])
    email.attach("agenda.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    email.attach("logo.png", b"\x89PNG\x00\xff", "image/png")
    assert email.send() == 1
    stored = OutboxMessage.objects.get()
    assert stored.attachments == [
        {
            "filename": "agenda.ics",
            "mimetype": "text/calendar",
            "content": base64.b64encode(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n").decode(),
        },
        {
            "filename": "logo.png",
            "mimetype": "image/png",
            "content": base64.b64encode(b"\x89PNG\x00\xff").decode(),
        },
    ]
    assert stored.status == "sent"
    (sent,) = mail.outbox
    assert list(sent.attachments) == [
        ("agenda.ics", "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar"),
        ("logo.png", b"\x89PNG\x00\xff", "image/png"),
    ]


@pytest.mark.django_db
def test_oversized_attachments_are_refused_not_dropped(use_outbox):
    email = EmailMessage("With file", "see attached", to=["ann@example.org"])
    email.attach("big.bin", b"x" * (outbox.MAX_ATTACHMENT_BYTES + 1), "application/octet-stream")
    with pytest.raises(
        ValueError, match=f"stores at most {outbox.MAX_ATTACHMENT_BYTES} bytes of attachments"
    ):
        email.send()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_mime_part_attachments_are_refused_not_dropped(use_outbox):
    email = EmailMessage("With file", "see attached", to=["ann@example.org"])
    email.attach(MIMEText("inline part"))
    with pytest.raises(ValueError, match="attachments given as files only"):
        email.send()
    assert not OutboxMessage.objects.exists()


def test_readable_addresses_decode_encoded_names():
    encoded = formataddr(("Prof. Barbara Dąbrowska", "b.dabrowska@example.org"))
    assert encoded.startswith("=?utf-8?")
    assert outbox.readable_addresses([encoded, "plain@example.org", "Ann <ann@example.org>"]) == [
        "Prof. Barbara Dąbrowska <b.dabrowska@example.org>",
        "plain@example.org",
        "Ann <ann@example.org>",
    ]


@pytest.mark.django_db
def test_password_reset_goes_through_the_outbox(use_outbox, client):
    user = UserFactory(email="reset.me@example.org", name="Reset Me")
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    stored = OutboxMessage.objects.get()
    assert stored.to == ["Reset Me <reset.me@example.org>"]
    assert stored.subject == "Reset your Matchmaker password"
    # the link reached the recipient, and the outbox no longer holds it
    assert stored.sensitive is True
    assert stored.body == "[Removed after sending: this message contained a private link.]\n"
    assert stored.status == "sent" and stored.event_id is None
    assert [m.to for m in mail.outbox] == [["Reset Me <reset.me@example.org>"]]
    assert "/accounts/password-reset/" in mail.outbox[0].body


# --- templates -------------------------------------------------------------------------------


WHEN = dt.datetime(2027, 3, 10, 13, 0, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_templated_email_in_polish_for_a_polish_user(use_outbox, test_templates):
    user = UserFactory(
        email="ewa@example.org", name="Ewa Nowak", language="pl", time_zone="Europe/Warsaw"
    )
    assert outbox.send_templated(test_templates, {"who": "Smith & Sons", "when": WHEN}, user)
    stored = OutboxMessage.objects.get()
    # Django's own Polish catalogue: the subject was rendered inside translation.override("pl")
    assert stored.subject == "To pole jest wymagane. Smith & Sons [pl]"
    assert stored.to == ["Ewa Nowak <ewa@example.org>"]
    assert "Ewa Nowak" in stored.body.splitlines()[0]  # the greeting
    # text is not HTML-escaped; the time is in the user's zone, the date in Polish
    assert "Smith & Sons at Środa 10 marca 14:00 (Europe/Warsaw)" in stored.body
    assert '<html lang="pl">' in stored.html_body
    assert "<p>Smith &amp; Sons</p>" in stored.html_body
    assert stored.headers["Content-Language"] == "pl"
    assert mail.outbox[0].subject == stored.subject


@pytest.mark.django_db
def test_templated_email_in_english_in_the_events_zone(use_outbox, test_templates):
    user = UserFactory(email="ann@example.org", name="Ann", language="en")  # time zone UTC
    event = EventFactory(time_zone="America/New_York")
    outbox.send_templated(test_templates, {"who": "Bob", "when": WHEN}, user, event=event)
    stored = OutboxMessage.objects.get()
    assert stored.subject == "This field is required. Bob [en]"
    assert "Bob at Wednesday 10 March 08:00 (America/New_York)" in stored.body
    assert stored.body.startswith("Hello Ann,\n")
    assert f"You receive this email because you take part in {event.name}." in stored.body
    assert stored.event_id == event.pk


@pytest.mark.django_db
def test_templated_email_to_a_person_without_account(use_outbox, test_templates):
    person = PersonFactory(name="Jan", email="jan@example.org", languages=["de", "pl"])
    outbox.send_templated(test_templates, {"who": "X", "when": WHEN}, person)
    assert OutboxMessage.objects.get().subject.endswith("[pl]")
    # an explicit language wins; no address, no email
    outbox.send_templated(test_templates, {"who": "Y", "when": WHEN}, person, "en")
    assert OutboxMessage.objects.latest("pk").subject == "This field is required. Y [en]"
    nobody = PersonFactory(name="No Mail", email=None)
    assert outbox.send_templated(test_templates, {"who": "Z", "when": WHEN}, nobody) is False
    assert OutboxMessage.objects.count() == 2
