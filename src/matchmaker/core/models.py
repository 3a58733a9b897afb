"""The email outbox (every message is stored before it is sent, so nothing is lost) and the
server-side stash of uploaded rows waiting for confirmation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from matchmaker.core.timefmt import format_when


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    created_at = models.DateTimeField(auto_now_add=True)
    from_email = models.CharField(max_length=320)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list)
    bcc = models.JSONField(default=list)
    reply_to = models.JSONField(default=list)
    subject = models.CharField(max_length=998)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    headers = models.JSONField(default=dict)
    # files sent with the message: [{"filename", "mimetype", "content" (base64)}], see
    # core.mail.MAX_ATTACHMENT_BYTES
    attachments = models.JSONField(default=list, blank=True)
    # holds a sign-in, confirmation, invitation or password-reset link: never shown, and the
    # body is replaced by a note once the message is sent
    sensitive = models.BooleanField(default=False)
    event_id = models.BigIntegerField(
        null=True, blank=True, db_index=True, help_text="events.Event id, if any"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"

    @property
    def shown_body(self) -> str:
        """The text body as pages may show it: a sensitive message's link stays hidden."""
        if not self.sensitive:
            return self.body
        return str(REMOVED_NOTE if self.status == self.Status.SENT else HIDDEN_NOTE)


HIDDEN_NOTE = _("[Not shown: this message contains a private link.]")
REMOVED_NOTE = _("[Removed after sending: this message contained a private link.]")


class UploadStash(models.Model):
    """Rows read from an uploaded file, kept on the server between a preview and its
    confirmation. Only the token travels in the page; a stash is usable by its owner, for its
    scope (e.g. one event's participant import), until it expires. See core/stashes.py."""

    token = models.CharField(max_length=64, unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upload_stashes"
    )
    scope = models.CharField(max_length=100)
    payload = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "scope"])]

    def __str__(self) -> str:
        return f"{self.scope} · {self.owner_id} · {format_when(self.created_at, 'UTC', 'sortable')} UTC"
