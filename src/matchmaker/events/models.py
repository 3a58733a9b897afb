from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from matchmaker.accounts.models import validate_timezone
from matchmaker.directory.models import Person


class Event(models.Model):
    class Kind(models.TextChoices):
        ECONOMIC_MISSION = "economic_mission", _("Economic mission")
        BROKERAGE = "brokerage", _("Brokerage event")
        CLUSTER_MISSION = "cluster_mission", _("Cluster mission")
        STUDY_VISIT = "study_visit", _("Study visit")
        WORKING_VISIT = "working_visit", _("Working visit")
        CONFERENCE = "conference", _("Conference")

    class Format(models.TextChoices):
        ON_SITE = "on_site", _("On site")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("Hybrid")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in web addresses"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.ON_SITE
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True)
    registration_opens = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes = models.DateTimeField(_("registration closes"), null=True, blank=True)
    requires_approval = models.BooleanField(
        _("registrations need approval"),
        default=True,
        help_text=_("Organisers approve each participant."),
    )
    is_published = models.BooleanField(
        _("published"), default=False, help_text=_("Shown on the public event list.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "name"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="event_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.slug])

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Venue(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="venues")
    name = models.CharField(_("name"), max_length=200)
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=120)
    country = CountryField(_("country"))

    class Meta:
        ordering = ["city", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")

    def __str__(self) -> str:
        return f"{self.name}, {self.city}"


class TeamMember(models.Model):
    """A user who organises the event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="organised"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "user"], name="one_membership_per_event")
        ]
        ordering = ["added_at"]

    def __str__(self) -> str:
        return f"{self.user} organises {self.event}"


class ParticipantCategory(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    open_registration = models.BooleanField(
        _("open for registration"),
        default=True,
        help_text=_("Off: only organisers add participants here."),
    )
    requires_approval = models.BooleanField(_("needs approval"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("participant category")
        verbose_name_plural = _("participant categories")
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="unique_category_name")
        ]

    def __str__(self) -> str:
        return self.name


class RegistrationQuestion(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG = "long", _("Long text")
        YES_NO = "yes_no", _("Yes or no")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    categories = models.ManyToManyField(
        ParticipantCategory,
        blank=True,
        verbose_name=_("asked of"),
        help_text=_("Empty: every category."),
    )
    label = models.CharField(_("question"), max_length=300)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(_("required"), default=False)
    position = models.PositiveIntegerField(
        _("position"), default=0, validators=[MaxValueValidator(1000)]
    )

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label


class Participant(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="participations")
    category = models.ForeignKey(
        ParticipantCategory, on_delete=models.PROTECT, related_name="participants"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    answers = models.JSONField(default=dict, blank=True)
    registered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_registration_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.event}"


class ProgrammeItem(models.Model):
    class Kind(models.TextChoices):
        OPENING = "opening", _("Opening")
        PRESENTATION = "presentation", _("Presentation")
        PANEL = "panel", _("Panel")
        WORKSHOP = "workshop", _("Workshop")
        PITCH = "pitch", _("Pitch session")
        B2B = "b2b", _("B2B session")
        SITE_VISIT = "site_visit", _("Site visit")
        COMPANY_VISIT = "company_visit", _("Company visit")
        FAIR_VISIT = "fair_visit", _("Fair visit")
        RECEPTION = "reception", _("Reception")
        TRANSFER = "transfer", _("Transfer")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="programme")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("venue")
    )
    speakers = models.CharField(_("speakers"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    online_url = models.URLField(_("online link"), blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="programme_item_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title
