"""Email through an outbox: every message is stored before it is sent, so nothing is lost.

`OutboxBackend` is the project's EMAIL_BACKEND. It stores each message as an `OutboxMessage`
and enqueues a task that sends it through the *delivery* backend
(settings.MATCHMAKER_EMAIL_DELIVERY_BACKEND: console in development, SMTP in production).
A failed attempt is kept with its error and retried later (after 1, 5, 30 and 120 minutes);
after five attempts the message stays failed until someone retries it by hand (the organisers'
outbox page, or `matchmaker send_outbox --failed`). `matchmaker send_outbox` sends every
message that is due, for cron, and deletes sent messages older than
settings.MATCHMAKER_OUTBOX_KEEP_DAYS.

Delivery is at least once. A message is marked sent by one statement right after the server
accepts it, before the connection is closed, and keeps one Message-ID on every attempt; a
duplicate needs the worker to die (or the database to fail) in between, or the server's reply
to be lost (docs/deploy.md, "Email").

A message stored with the header `X-Matchmaker-Sensitive` (it holds a sign-in, confirmation,
invitation or password-reset link) is never shown in full by the outbox pages, and its
bodies are replaced by a note once it is sent.

`send_templated` builds one email from three templates (subject, text, HTML) in the
recipient's language and time zone.

This module sits in the lowest layer: it knows users, people and events only by their
attributes (email, name, language, time_zone, user, languages, pk).
"""

from __future__ import annotations

import base64
import datetime as dt
import logging
import zoneinfo
from email.header import decode_header, make_header
from email.utils import formataddr, make_msgid, parseaddr

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db.models import F, Q
from django.template import Context
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.module_loading import import_string

from matchmaker.core.models import REMOVED_NOTE, OutboxMessage

logger = logging.getLogger(__name__)

# all attachments of one message together, before base64: calendar files, not documents
MAX_ATTACHMENT_BYTES = 256 * 1024
EVENT_HEADER = "X-Matchmaker-Event"
SENSITIVE_HEADER = "X-Matchmaker-Sensitive"
MAX_ATTEMPTS = 5
# wait after the 1st, 2nd, 3rd, 4th failed attempt; the 5th failure gives up
RETRY_DELAYS = [
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(minutes=120),
]
# while one worker sends a message, others leave it alone this long (a crashed worker's
# message is picked up again by `send_outbox` afterwards)
LEASE = dt.timedelta(minutes=10)
# a queued message whose task has not sent it after this long is sent by `send_outbox`
QUEUED_GRACE = dt.timedelta(minutes=5)
Status = OutboxMessage.Status


# --- storing -------------------------------------------------------------------------------


class OutboxBackend(BaseEmailBackend):
    """Stores every message as an OutboxMessage and enqueues its delivery."""

    def send_messages(self, email_messages) -> int:
        stored = []
        for message in email_messages:
            if not message.recipients():
                continue
            try:
                stored.append(store(message))
            except Exception:
                if not self.fail_silently:
                    raise
                logger.exception("Could not store an email in the outbox")
        for outbox_message in stored:
            enqueue(outbox_message.pk)
        return len(stored)


def _stored_attachments(message) -> list[dict]:
    """The message's attachments as JSON the outbox keeps. Files given as (filename,
    content, mimetype) only, up to MAX_ATTACHMENT_BYTES together; anything else is refused
    rather than sent without it."""
    stored, total = [], 0
    for attachment in message.attachments:
        if not isinstance(attachment, tuple):
            raise ValueError("The email outbox stores attachments given as files only.")
        filename, content, mimetype = attachment
        data = content.encode("utf-8") if isinstance(content, str) else bytes(content)
        total += len(data)
        if total > MAX_ATTACHMENT_BYTES:
            raise ValueError(
                f"The email outbox stores at most {MAX_ATTACHMENT_BYTES} bytes of attachments."
            )
        stored.append(
            {
                "filename": str(filename or "attachment"),
                "mimetype": str(mimetype or "application/octet-stream"),
                "content": base64.b64encode(data).decode("ascii"),
            }
        )
    return stored


def store(message) -> OutboxMessage:
    """Save one django EmailMessage in the outbox (not sent yet)."""
    attachments = _stored_attachments(message)
    html = ""
    for alternative in getattr(message, "alternatives", []):
        content, mimetype = alternative[0], alternative[1]
        if mimetype == "text/html" and not html:
            html = str(content)
        else:
            logger.warning("Outbox: dropped an alternative of type %s", mimetype)
    headers = {str(k): str(v) for k, v in (message.extra_headers or {}).items()}
    event_id = None
    sensitive = False
    for key in list(headers):
        if key.lower() == EVENT_HEADER.lower():
            value = headers.pop(key).strip()
            event_id = int(value) if value.isdigit() else None
        elif key.lower() == SENSITIVE_HEADER.lower():
            # any value marks it: a header that is present at all was meant to protect a link
            headers.pop(key)
            sensitive = True
    from_email = str(message.from_email or settings.DEFAULT_FROM_EMAIL)
    if not any(k.lower() == "message-id" for k in headers):
        # one Message-ID for every attempt, so a retry after a lost reply is recognisably the same
        domain = parseaddr(from_email)[1].rpartition("@")[2] or "localhost"
        headers["Message-ID"] = make_msgid(domain=domain)
    return OutboxMessage.objects.create(
        from_email=from_email,
        to=[str(a) for a in message.to],
        cc=[str(a) for a in message.cc],
        bcc=[str(a) for a in message.bcc],
        reply_to=[str(a) for a in message.reply_to],
        subject=str(message.subject),
        body=str(message.body),
        html_body=html,
        headers=headers,
        attachments=attachments,
        event_id=event_id,
        sensitive=sensitive,
    )


def enqueue(message_id: int, run_after: dt.datetime | None = None) -> bool:
    """Hand the message to a task worker. A message that cannot be enqueued stays in the outbox
    and `send_outbox` sends it later; nothing is lost."""
    from matchmaker.core.tasks import deliver_email

    task = deliver_email
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return False  # e.g. the immediate backend in tests: `send_outbox` retries
        task = task.using(run_after=run_after)
    try:
        task.enqueue(message_id)
    except Exception:
        logger.exception(
            "Could not enqueue outbox message %s; send_outbox will send it", message_id
        )
        return False
    return True


# --- sending -------------------------------------------------------------------------------


def delivery_connection():
    backend = settings.MATCHMAKER_EMAIL_DELIVERY_BACKEND
    if import_string(backend) is OutboxBackend:
        raise ImproperlyConfigured("The email delivery backend cannot be the outbox itself.")
    return get_connection(backend, fail_silently=False)


def as_email(message: OutboxMessage, connection=None) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body,
        from_email=message.from_email,
        to=message.to,
        cc=message.cc,
        bcc=message.bcc,
        reply_to=message.reply_to,
        headers=message.headers,
        connection=connection,
    )
    if message.html_body:
        email.attach_alternative(message.html_body, "text/html")
    for attachment in message.attachments or []:
        email.attach(
            attachment["filename"],
            base64.b64decode(attachment["content"]),
            attachment["mimetype"],
        )
    return email


def readable_address(address: str) -> str:
    """An address as people read it: "Prof. Barbara Dąbrowska <b@example.org>", whether it
    was stored plain or with an encoded name (=?utf-8?q?…?=)."""
    name, email = parseaddr(address)
    if not email:
        return str(make_header(decode_header(address)))
    name = str(make_header(decode_header(name))) if name else ""
    return f"{name} <{email}>" if name else email


def readable_addresses(addresses) -> list[str]:
    return [readable_address(a) for a in addresses or []]


def retry_delay(attempts: int) -> dt.timedelta | None:
    """How long to wait after `attempts` failed attempts; None: give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]


def deliver(message_id: int) -> str:
    """Send one stored message through the delivery backend. Returns what happened: "sent",
    "failed" (retry scheduled or given up), or "skipped" (already sent, given up, not due yet,
    being sent by another worker, or gone)."""
    message = OutboxMessage.objects.filter(pk=message_id).first()
    if message is None:
        return "skipped"
    now = timezone.now()
    if message.status == Status.SENT:
        return "skipped"
    if message.status == Status.FAILED and message.next_attempt_at is None:
        return "skipped"  # gave up; only a manual retry() sends it again
    if message.next_attempt_at is not None and message.next_attempt_at > now:
        return "skipped"
    # claim it: only one worker moves attempts from n to n + 1
    claimed = OutboxMessage.objects.filter(
        pk=message.pk, status=message.status, attempts=message.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if not claimed:
        return "skipped"
    message.attempts += 1
    connection = None
    try:
        connection = delivery_connection()
        # opened here so that send_messages leaves it open: closing it (SMTP QUIT) waits for
        # the server, and that must come after the message is marked sent, not before
        connection.open()
        if connection.send_messages([as_email(message, connection)]) != 1:
            raise RuntimeError("The delivery backend did not accept the message.")
    except Exception as error:
        _close_quietly(connection)
        return _failed(message, error)
    _mark_sent(message)
    _close_quietly(connection)
    return "sent"


def _mark_sent(message: OutboxMessage) -> None:
    """Record that the server accepted the message, in one statement that commits at once
    (deliver runs outside transactions), so a worker that dies afterwards cannot cause a
    second copy. A sensitive message loses its link here."""
    fields = {"status": Status.SENT, "sent_at": timezone.now(), "next_attempt_at": None}
    if message.sensitive:
        language = message.headers.get("Content-Language", "")
        if language not in {code for code, _name in settings.LANGUAGES}:
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            note = str(REMOVED_NOTE)
        fields.update(body=note + "\n", html_body=f"<p>{escape(note)}</p>\n")
    OutboxMessage.objects.filter(pk=message.pk).update(**fields)
    for name, value in fields.items():
        setattr(message, name, value)


def _close_quietly(connection) -> None:
    """The message is sent (or the attempt already failed): a hiccup while saying goodbye to
    the server changes nothing."""
    if connection is None:
        return
    try:
        connection.close()
    except Exception:
        logger.warning("Could not close the email connection cleanly", exc_info=True)


def _failed(message: OutboxMessage, error: Exception) -> str:
    delay = retry_delay(message.attempts)
    message.status = Status.FAILED
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    message.next_attempt_at = timezone.now() + delay if delay else None
    message.save(update_fields=["status", "last_error", "next_attempt_at"])
    if delay:
        logger.warning(
            "Email %s failed (attempt %d), retry at %s: %s",
            message.pk,
            message.attempts,
            message.next_attempt_at,
            message.last_error,
        )
        enqueue(message.pk, run_after=message.next_attempt_at)
    else:
        logger.error(
            "Email %s failed %d times, giving up: %s",
            message.pk,
            message.attempts,
            message.last_error,
        )
    return "failed"


def retry(message: OutboxMessage) -> bool:
    """Send a failed message again now (by hand). Returns False if it is not failed."""
    updated = OutboxMessage.objects.filter(pk=message.pk, status=Status.FAILED).update(
        status=Status.QUEUED, next_attempt_at=None
    )
    if updated:
        enqueue(message.pk)
        message.refresh_from_db()
    return bool(updated)


def due_messages(now: dt.datetime | None = None):
    """Messages `send_outbox` should send now: failed ones whose retry time has come, queued
    ones no worker has sent in time, and ones a crashed worker left behind."""
    now = now or timezone.now()
    return OutboxMessage.objects.filter(
        Q(status__in=[Status.QUEUED, Status.FAILED], next_attempt_at__lte=now)
        | Q(status=Status.QUEUED, next_attempt_at__isnull=True, created_at__lte=now - QUEUED_GRACE)
    ).order_by("created_at", "pk")


def send_due(now: dt.datetime | None = None, limit: int | None = None) -> dict[str, int]:
    """Send every due message now, in this process. Returns counts per outcome."""
    ids = list(due_messages(now).values_list("pk", flat=True)[:limit])
    counts = {"sent": 0, "failed": 0, "skipped": 0}
    for pk in ids:
        counts[deliver(pk)] += 1
    return counts


def purge_sent(now: dt.datetime | None = None, keep_days: int | None = None) -> int:
    """Delete messages sent more than `keep_days` (default settings.MATCHMAKER_OUTBOX_KEEP_DAYS)
    days ago; 0 keeps everything. Failed and queued messages stay. Returns how many went."""
    keep_days = settings.MATCHMAKER_OUTBOX_KEEP_DAYS if keep_days is None else keep_days
    if keep_days <= 0:
        return 0
    cutoff = (now or timezone.now()) - dt.timedelta(days=keep_days)
    deleted, _per_model = OutboxMessage.objects.filter(
        status=Status.SENT, sent_at__lt=cutoff
    ).delete()
    return deleted


# --- templated messages --------------------------------------------------------------------


def _user_of(recipient):
    """The account behind a recipient: the user itself, or a person's user (may be None)."""
    if hasattr(recipient, "language"):
        return recipient
    return getattr(recipient, "user", None)


def language_of(recipient) -> str:
    """The recipient's language: their account's, else the first supported language a person
    speaks, else the site's default."""
    supported = {code for code, _name in settings.LANGUAGES}
    user = _user_of(recipient)
    if user is not None and getattr(user, "language", "") in supported:
        return user.language
    for code in getattr(recipient, "languages", None) or []:
        if code in supported:
            return code
    return settings.LANGUAGE_CODE


def zone_of(recipient, event=None) -> zoneinfo.ZoneInfo:
    """Times in an email: the recipient's own time zone if they chose one (not the default UTC),
    else the event's, else UTC."""
    user = _user_of(recipient)
    for name in (getattr(user, "time_zone", ""), getattr(event, "time_zone", "")):
        if name and name != "UTC":
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                continue
    return zoneinfo.ZoneInfo("UTC")


def _render_plain(template_name: str, context: dict) -> str:
    """Render a text template without HTML escaping (subjects and text bodies are not HTML)."""
    template = get_template(template_name)
    return template.template.render(Context(context, autoescape=False))


def render_templated(
    template_prefix: str, context: dict, language: str, zone
) -> tuple[str, str, str]:
    """(subject, text, html) of `<prefix>_subject.txt`, `<prefix>.txt`, `<prefix>.html`."""
    with translation.override(language), timezone.override(zone):
        full = {
            "site_url": settings.SITE_URL.rstrip("/"),
            "LANGUAGE_CODE": translation.get_language(),
            "TIME_ZONE": str(zone),
            **context,
        }
        subject = " ".join(_render_plain(f"{template_prefix}_subject.txt", full).split())
        text = _render_plain(f"{template_prefix}.txt", full).strip() + "\n"
        html = render_to_string(f"{template_prefix}.html", full)
    return subject, text, html


def send_templated(
    template_prefix: str,
    context: dict,
    to_user_or_person,
    language: str | None = None,
    event=None,
    *,
    reply_to: list[str] | None = None,
    sensitive: bool = False,
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> bool:
    """Send one email built from three templates, in the recipient's language (given, or taken
    from the recipient) and time zone. The templates get `recipient`, `event`, `site_url`,
    `LANGUAGE_CODE` and `TIME_ZONE` besides `context`. `sensitive`: the email holds a sign-in, confirmation, invitation or password-reset link
    (see SENSITIVE_HEADER). `attachments`: (filename, content, mimetype) files, e.g. a calendar
    entry, or a callable taking (language, zone) that returns them, so their text is in the
    recipient's language and zone. Returns False when the recipient has no email address."""
    recipient = to_user_or_person
    address = (getattr(recipient, "email", "") or "").strip()
    if not address:
        return False
    language = language or language_of(recipient)
    zone = zone_of(recipient, event)
    subject, text, html = render_templated(
        template_prefix,
        {"recipient": recipient, "event": event, **context},
        language,
        zone,
    )
    headers = {"Content-Language": language}
    if event is not None:
        headers[EVENT_HEADER] = str(event.pk)
    if sensitive:
        headers[SENSITIVE_HEADER] = "1"
    name = getattr(recipient, "name", "") or ""
    email = EmailMultiAlternatives(
        subject,
        text,
        to=[formataddr((name, address)) if name else address],
        reply_to=reply_to or [],
        headers=headers,
    )
    email.attach_alternative(html, "text/html")
    if callable(attachments):
        with translation.override(language), timezone.override(zone):
            attachments = attachments(language, zone)
    for filename, content, mimetype in attachments or []:
        email.attach(filename, content, mimetype)
    return email.send() == 1
