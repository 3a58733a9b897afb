"""What the outbox keeps: a message with a sign-in link (header X-Matchmaker-Sensitive) is never
shown and loses its body once sent; sent mail is deleted after MATCHMAKER_OUTBOX_KEEP_DAYS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from matchmaker.core import mail as outbox
from matchmaker.core.models import OutboxMessage
from tests.core.test_mail import FAILING, LOCMEM
from tests.factories import UserFactory

LINK = "https://match.example.org/accounts/reset/MQ/c7x-0123456789abcdef/"
REMOVED = "[Removed after sending: this message contained a private link.]"
HIDDEN = "[Not shown: this message contains a private link.]"


@pytest.fixture
def worker_down(use_outbox):
    """Messages wait in the outbox: no task runs."""
    use_outbox.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return use_outbox


def send_link(event_id=None, language="en", header="1") -> OutboxMessage:
    headers = {"X-Matchmaker-Sensitive": header, "Content-Language": language}
    if event_id is not None:
        headers["X-Matchmaker-Event"] = str(event_id)
    email = EmailMultiAlternatives(
        "Reset your password", f"Open {LINK} to choose a new one.", to=["ann@example.org"]
    )
    email.extra_headers = headers
    email.attach_alternative(f'<p><a href="{LINK}">Choose a new password</a></p>', "text/html")
    email.send()
    return OutboxMessage.objects.latest("pk")


@pytest.mark.django_db
def test_a_sensitive_message_is_delivered_whole_then_its_link_is_removed(use_outbox):
    stored = send_link()
    (delivered,) = mail.outbox
    # the recipient gets the link; the header itself never leaves
    assert LINK in delivered.body and LINK in delivered.alternatives[0][0]
    assert delivered.message()["X-Matchmaker-Sensitive"] is None
    stored.refresh_from_db()
    assert (stored.status, stored.sensitive) == ("sent", True)
    assert "X-Matchmaker-Sensitive" not in stored.headers
    assert (stored.body, stored.html_body) == (f"{REMOVED}\n", f"<p>{REMOVED}</p>\n")
    assert stored.subject == "Reset your password"  # who got what stays traceable
    assert stored.shown_body == REMOVED


@pytest.mark.django_db
def test_the_note_is_in_the_messages_language(use_outbox):
    stored = send_link(language="pl")
    stored.refresh_from_db()
    assert stored.body == "[Usunięto po wysłaniu: ta wiadomość zawierała prywatny link.]\n"


@pytest.mark.django_db
def test_the_header_name_is_matched_whatever_its_case_and_value(use_outbox):
    stored = send_link(header="")
    assert stored.sensitive is True
    email = EmailMultiAlternatives("Hi", "plain", to=["bob@example.org"])
    email.extra_headers = {"x-matchmaker-sensitive": "yes"}
    email.send()
    assert OutboxMessage.objects.latest("pk").sensitive is True


@pytest.mark.django_db
def test_an_ordinary_message_keeps_its_body(use_outbox):
    mail_message = EmailMultiAlternatives("Agenda", "Your agenda is ready.", to=["a@example.org"])
    mail_message.send()
    stored = OutboxMessage.objects.get()
    assert (stored.status, stored.sensitive, stored.body) == (
        "sent",
        False,
        "Your agenda is ready.",
    )
    assert stored.shown_body == "Your agenda is ready."


@pytest.mark.django_db
def test_a_failed_sensitive_message_keeps_its_link_for_the_retry_but_never_shows_it(use_outbox):
    use_outbox.MATCHMAKER_EMAIL_DELIVERY_BACKEND = FAILING
    stored = send_link()
    stored.refresh_from_db()
    assert (stored.status, stored.shown_body) == ("failed", HIDDEN)
    assert LINK in stored.body
    use_outbox.MATCHMAKER_EMAIL_DELIVERY_BACKEND = LOCMEM
    assert outbox.retry(stored)
    assert LINK in mail.outbox[0].body
    assert (stored.status, stored.body) == ("sent", f"{REMOVED}\n")


@pytest.mark.django_db
def test_send_templated_marks_sensitive_messages(use_outbox, test_templates):
    user = UserFactory(email="ann@example.org", name="Ann", language="en")
    when = dt.datetime(2027, 3, 10, 13, 0, tzinfo=dt.UTC)
    assert outbox.send_templated(test_templates, {"who": "A", "when": when}, user, sensitive=True)
    assert outbox.send_templated(test_templates, {"who": "B", "when": when}, user)
    assert list(OutboxMessage.objects.order_by("pk").values_list("sensitive", flat=True)) == [
        True,
        False,
    ]


@pytest.mark.django_db
def test_the_outbox_page_never_shows_a_waiting_sensitive_body(worker_down, roles, client_for):
    waiting = send_link(event_id=roles.event.pk)
    assert (waiting.status, LINK in waiting.body) == ("queued", True)
    response = client_for(roles.organiser).get(
        reverse("meetings:outbox", kwargs={"slug": roles.event.slug})
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert LINK not in page
    assert f'<pre class="email-body">{HIDDEN}</pre>' in page


@pytest.mark.django_db
def test_the_admin_never_shows_a_waiting_sensitive_body(worker_down, admin_client):
    waiting = send_link()
    response = admin_client.get(reverse("admin:core_outboxmessage_change", args=[waiting.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert LINK not in page
    assert HIDDEN in page
    plain = EmailMultiAlternatives("Agenda", "Your agenda is ready.", to=["a@example.org"])
    plain.send()
    other = OutboxMessage.objects.latest("pk")
    response = admin_client.get(reverse("admin:core_outboxmessage_change", args=[other.pk]))
    assert "Your agenda is ready." in response.content.decode()


# --- keeping sent mail ------------------------------------------------------------------------

NOW = dt.datetime(2027, 5, 1, 12, 0, tzinfo=dt.UTC)


def _message(status: str, sent_at: dt.datetime | None, created_at: dt.datetime) -> OutboxMessage:
    message = OutboxMessage.objects.create(
        from_email="noreply@example.org",
        to=["a@example.org"],
        subject=f"{status} {sent_at}",
        body="x",
        status=status,
        sent_at=sent_at,
    )
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=created_at)
    return message


@pytest.mark.django_db
def test_sent_mail_is_deleted_after_the_configured_number_of_days(settings):
    assert settings.MATCHMAKER_OUTBOX_KEEP_DAYS == 90
    day = dt.timedelta(days=1)
    second = dt.timedelta(seconds=1)
    old_sent = _message("sent", NOW - 90 * day - second, NOW - 91 * day)
    young_sent = _message("sent", NOW - 90 * day + second, NOW - 91 * day)
    old_failed = _message("failed", None, NOW - 200 * day)
    old_queued = _message("queued", None, NOW - 200 * day)

    assert outbox.purge_sent(now=NOW) == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {
        young_sent.pk,
        old_failed.pk,
        old_queued.pk,
    }
    assert not OutboxMessage.objects.filter(pk=old_sent.pk).exists()
    assert outbox.purge_sent(now=NOW + 2 * second) == 1  # the younger one's turn
    settings.MATCHMAKER_OUTBOX_KEEP_DAYS = 30
    recent = _message("sent", NOW - 31 * day, NOW - 31 * day)
    assert outbox.purge_sent(now=NOW) == 1
    assert not OutboxMessage.objects.filter(pk=recent.pk).exists()


@pytest.mark.django_db
def test_zero_days_keeps_sent_mail(settings):
    settings.MATCHMAKER_OUTBOX_KEEP_DAYS = 0
    _message("sent", NOW - dt.timedelta(days=5000), NOW - dt.timedelta(days=5000))
    assert outbox.purge_sent(now=NOW) == 0
    assert OutboxMessage.objects.count() == 1


@pytest.mark.django_db
def test_send_outbox_purges_and_says_how_many(capsys):
    long_ago = timezone.now() - dt.timedelta(days=91)
    _message("sent", long_ago, long_ago)
    _message("sent", long_ago, long_ago)
    _message("sent", timezone.now(), timezone.now())
    call_command("send_outbox")
    assert capsys.readouterr().out == "sent 0, failed 0, skipped 0, purged 2\n"
    assert OutboxMessage.objects.count() == 1
