"""B2B sessions, slots, tables, availability, requests, meetings and scheduling runs.

Double bookings are impossible at the database level: every held meeting writes one
`SlotBooking` row per participant, unique per (slot, participant), and a meeting's table is
unique per slot among held meetings. Concurrent bookings that collide fail with an
IntegrityError, which the booking service turns into a clear message.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from matchmaker.core.timefmt import format_span, format_when
from matchmaker.events.models import Event, Participant, ParticipantCategory

MAX_REQUESTS = 500
MAX_MEETINGS = 200
MAX_EXPIRY_DAYS = 365
MIN_SLOT_MINUTES = 5
MAX_SLOT_MINUTES = 240
MAX_TABLES = 1000
# A reason given when declining, withdrawing or cancelling goes into an email: keep it short.
REASON_MAX_LENGTH = 500


class MeetingSettings(models.Model):
    class Mode(models.TextChoices):
        LIVE = "live", _("Live booking: pick a free slot, the other side confirms")
        REQUESTS = "requests", _("Request phase, then automatic scheduling")
        BOTH = "both", _("Both")

    class Format(models.TextChoices):
        ON_SITE = "on_site", _("On site, at tables")
        ONLINE = "online", _("Online, by video")
        HYBRID = "hybrid", _("Hybrid: on site or online")

    event = models.OneToOneField(Event, on_delete=models.CASCADE, related_name="meeting_settings")
    mode = models.CharField(
        _("booking mode"), max_length=10, choices=Mode.choices, default=Mode.BOTH
    )
    format = models.CharField(
        _("meeting format"), max_length=10, choices=Format.choices, default=Format.ON_SITE
    )
    video_base_url = models.URLField(
        _("video-room base address"),
        blank=True,
        help_text=_("Online meetings get a room under this address, e.g. https://meet.jit.si/"),
    )
    # The limits keep every setting inside what a real event needs, and date arithmetic
    # (expiry) far from the calendar's end.
    max_requests_sent = models.PositiveIntegerField(
        _("requests a participant may send"),
        default=20,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_REQUESTS)],
    )
    max_requests_received = models.PositiveIntegerField(
        _("requests a participant may receive"),
        default=30,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_REQUESTS)],
    )
    max_meetings = models.PositiveIntegerField(
        _("maximum meetings per participant"),
        default=12,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_MEETINGS)],
    )
    min_meetings = models.PositiveIntegerField(
        _("target: meetings per participant at least"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_MEETINGS)],
    )
    request_expiry_days = models.PositiveIntegerField(
        _("pending requests expire after (days)"),
        default=5,
        help_text=_("0: never."),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_EXPIRY_DAYS)],
    )
    requests_open = models.BooleanField(_("participants may send requests"), default=True)

    def __str__(self) -> str:
        return f"B2B settings of {self.event}"


class AllowedPair(models.Model):
    """Who may meet whom. With no pairs at all, everyone may meet everyone."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="allowed_pairs")
    category_a = models.ForeignKey(ParticipantCategory, on_delete=models.CASCADE, related_name="+")
    category_b = models.ForeignKey(ParticipantCategory, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "category_a", "category_b"], name="unique_allowed_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category_a} ↔ {self.category_b}"


class MeetingRule(models.Model):
    class Kind(models.TextChoices):
        MIN_MEETINGS = "min_meetings", _("At least N meetings")
        MIN_WITH_CATEGORY = "min_with_group", _("At least N meetings with a category")
        MAX_IN_ROW = "max_in_row", _("At most N meetings in a row")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_rules")
    kind = models.CharField(_("rule"), max_length=20, choices=Kind.choices)
    n = models.PositiveIntegerField(
        _("N"), validators=[MinValueValidator(0), MaxValueValidator(MAX_MEETINGS)]
    )
    category = models.ForeignKey(
        ParticipantCategory,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("applies to"),
        help_text=_("Empty: every participant."),
    )
    partner_category = models.ForeignKey(
        ParticipantCategory,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("with category"),
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        who = self.category.name if self.category else _("everyone")
        if self.kind == self.Kind.MIN_WITH_CATEGORY:
            return _("%(who)s: at least %(n)d with %(partner)s") % {
                "who": who,
                "n": self.n,
                "partner": self.partner_category,
            }
        if self.kind == self.Kind.MAX_IN_ROW:
            return _("%(who)s: at most %(n)d in a row") % {"who": who, "n": self.n}
        return _("%(who)s: at least %(n)d meetings") % {"who": who, "n": self.n}


class B2BSession(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="b2b_sessions")
    name = models.CharField(_("name"), max_length=120)
    date = models.DateField(_("day"))
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    slot_minutes = models.PositiveIntegerField(
        _("slot length (minutes)"),
        default=20,
        validators=[
            MinValueValidator(MIN_SLOT_MINUTES, _("A slot lasts at least 5 minutes.")),
            MaxValueValidator(MAX_SLOT_MINUTES, _("A slot lasts at most 240 minutes.")),
        ],
    )
    pauses = models.CharField(
        _("pauses"),
        max_length=200,
        blank=True,
        help_text=_("Comma-separated, e.g. 10:30-10:45, 12:00-12:30"),
    )

    class Meta:
        ordering = ["date", "start_time"]

    def __str__(self) -> str:
        return self.name


class Slot(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="slots")
    session = models.ForeignKey(B2BSession, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["session", "starts_at"], name="unique_slot_start")
        ]

    def __str__(self) -> str:
        return self.label(self.event.tz)

    def label(self, zone) -> str:
        """The session and the start in `zone`, such as "B2B session 2 15:45"."""
        return f"{self.session.name} {format_when(self.starts_at, zone, 'time')}"

    def long_label(self, zone) -> str:
        """The session, day and times in `zone`, for choosing among slots of several days."""
        return f"{self.session.name}: {format_span(self.starts_at, self.ends_at, zone, 'short')}"


class Table(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tables")
    number = models.PositiveIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(MAX_TABLES)]
    )
    name = models.CharField(
        _("name"), max_length=80, blank=True, help_text=_("Empty: “Table <number>”.")
    )
    host = models.ForeignKey(
        Participant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="fixed_tables",
        verbose_name=_("fixed to host"),
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="unique_table_number")
        ]

    def __str__(self) -> str:
        return self.name or _("Table %(number)d") % {"number": self.number}


class Unavailability(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="unavailable"
    )
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["participant", "slot"], name="unique_unavailability")
        ]


class MeetingRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meeting_requests")
    sender = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sent_requests")
    receiver = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="received_requests"
    )
    message = models.TextField(_("message"), blank=True, max_length=1000)
    proposed_slot = models.ForeignKey(
        Slot,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("proposed slot"),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(
        _("reason"),
        blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text=_("Why the request was declined or withdrawn, as told to the other side."),
    )

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "receiver"],
                condition=Q(status__in=["pending", "accepted"]),
                name="one_open_request_per_pair",
            ),
            models.CheckConstraint(
                condition=~Q(sender=models.F("receiver")), name="request_not_to_oneself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.receiver}"


def new_uid() -> str:
    """A meeting's calendar UID stem: random, so it never changes when the meeting moves."""
    return secrets.token_hex(16)


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        CANCELLED = "cancelled", _("Cancelled")

    class Origin(models.TextChoices):
        LIVE = "live", _("Booked live")
        SCHEDULER = "scheduler", _("Scheduler")
        MANUAL = "manual", _("Organiser")

    class Attendance(models.TextChoices):
        UNKNOWN = "unknown", _("Not checked")
        PRESENT = "present", _("Present")
        NO_SHOW = "no_show", _("No-show")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="meetings")
    a = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="meetings_as_a")
    b = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="meetings_as_b")
    slot = models.ForeignKey(Slot, on_delete=models.PROTECT, related_name="meetings")
    table = models.ForeignKey(
        Table, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    online = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    origin = models.CharField(max_length=10, choices=Origin.choices)
    is_published = models.BooleanField(default=False)
    request = models.ForeignKey(
        MeetingRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    attendance_a = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    attendance_b = models.CharField(
        max_length=10, choices=Attendance.choices, default=Attendance.UNKNOWN
    )
    cancel_reason = models.TextField(
        _("reason for cancelling"),
        blank=True,
        max_length=REASON_MAX_LENGTH,
        help_text=_("As told to the other side when the meeting was cancelled."),
    )
    uid = models.CharField(max_length=64, unique=True, editable=False)
    sequence = models.PositiveIntegerField(
        default=0, help_text="iCalendar SEQUENCE: grows with every change"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slot__starts_at", "table__number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "table"],
                condition=Q(status="scheduled"),
                name="one_meeting_per_table_and_slot",
            ),
            models.CheckConstraint(condition=~Q(a=models.F("b")), name="meeting_not_with_oneself"),
        ]

    def __str__(self) -> str:
        return self.label(self.event.tz)

    def save(self, *args, **kwargs):
        if not self.uid:
            self.uid = new_uid()
        super().save(*args, **kwargs)

    def label(self, zone) -> str:
        return f"{self.a.person} × {self.b.person} @ {self.slot.label(zone)}"

    def booking_rows(self) -> list[SlotBooking]:
        """The two rows that keep both participants' slot taken (not saved)."""
        return [
            SlotBooking(slot_id=self.slot_id, participant_id=self.a_id, meeting=self),
            SlotBooking(slot_id=self.slot_id, participant_id=self.b_id, meeting=self),
        ]

    def write_bookings(self, replace: bool = False) -> None:
        """Save the booking rows; with `replace`, drop the meeting's old ones first."""
        if replace:
            self.bookings.all().delete()
        SlotBooking.objects.bulk_create(self.booking_rows())

    def other(self, participant: Participant) -> Participant:
        return self.b if participant.pk == self.a_id else self.a

    def video_url(self) -> str:
        settings_ = getattr(self.event, "meeting_settings", None)
        if not self.online or settings_ is None or not settings_.video_base_url:
            return ""
        return settings_.video_base_url.rstrip("/") + f"/matchmaker-{self.uid[:12]}"


class SlotBooking(models.Model):
    """One row per participant of a held meeting; makes double booking impossible."""

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="bookings")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="bookings")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="bookings")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["slot", "participant"], name="one_meeting_per_slot")
        ]


class CheckIn(models.Model):
    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="check_in"
    )
    checked_in_at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )


class SchedulerRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="scheduler_runs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(
        default=0, help_text="0–100", validators=[MaxValueValidator(100)]
    )
    message = models.TextField(blank=True)
    time_limit = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(2), MaxValueValidator(600)]
    )
    problem = models.JSONField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # the executing worker writes this every few seconds; a run whose heartbeat stops is failed
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(max_length=100, blank=True, help_text="host:pid of the worker")
    finished_at = models.DateTimeField(null=True, blank=True)
    # What was published, frozen at publication: the run page shows this afterwards instead of
    # recomputing the preview against meetings moved or cancelled since (scheduling.summarise).
    published_summary = models.JSONField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # the database refuses a second queued or running run of one event, whichever
            # web process or machine starts it
            models.UniqueConstraint(
                fields=["event"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_active_run_per_event",
            )
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} of {self.event}"


class CalendarFeed(models.Model):
    """The secret address of a participant's calendar feed. A new token revokes the old one."""

    participant = models.OneToOneField(
        Participant, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    @classmethod
    def for_participant(cls, participant: Participant) -> CalendarFeed:
        feed, _created = cls.objects.get_or_create(
            participant=participant, defaults={"token": secrets.token_urlsafe(32)}
        )
        return feed

    def rotate(self) -> None:
        self.token = secrets.token_urlsafe(32)
        self.save(update_fields=["token"])


class RecommendationChoice(models.Model):
    """What a participant did with a recommended partner: hid it or kept it for later."""

    class Choice(models.TextChoices):
        HIDDEN = "hidden", _("Hidden")
        SAVED = "saved", _("Kept for later")

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="recommendation_choices"
    )
    other = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=10, choices=Choice.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "other"], name="one_recommendation_choice_per_pair"
            ),
            models.CheckConstraint(
                condition=~Q(participant=models.F("other")),
                name="recommendation_choice_not_oneself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} {self.choice} {self.other}"
