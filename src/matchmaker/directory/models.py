from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class Sector(models.Model):
    """One entry of the shipped taxonomy (see taxonomy.py)."""

    class Kind(models.TextChoices):
        NACE = "nace", _("NACE section")
        CLUSTER = "cluster", _("Cluster sector")

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return gettext(self.name)


class Organisation(models.Model):
    class Type(models.TextChoices):
        SME = "sme", _("SME")
        LARGE_COMPANY = "large", _("Large company")
        CLUSTER = "cluster", _("Cluster organisation")
        RESEARCH = "research", _("Research institute")
        UNIVERSITY = "university", _("University")
        PUBLIC = "public", _("Public authority")
        BUSINESS_SUPPORT = "support", _("Business-support organisation")
        BIG_SCIENCE = "bigscience", _("Big-science organisation")
        INVESTOR = "investor", _("Investor")
        OTHER = "other", _("Other")

    class Size(models.TextChoices):
        MICRO = "micro", _("1–9 employees")
        SMALL = "small", _("10–49 employees")
        MEDIUM = "medium", _("50–249 employees")
        LARGE = "large", _("250+ employees")

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    country = CountryField(_("country"))
    region = models.CharField(_("region"), max_length=120, blank=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="organisations"
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    competences = models.TextField(
        _("competences"), blank=True, help_text=_("What you can do for partners.")
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:detail", args=[self.pk])


class Person(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="people",
    )
    name = models.CharField(_("name"), max_length=150)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    email = models.EmailField(_("email address"), null=True, blank=True, unique=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    # Editing the organisation needs a confirmed membership: being listed (e.g. by an import)
    # is not enough. Set when the person created the organisation, accepted a confirmed
    # member's invitation, or had a request confirmed by a member or staff.
    membership_confirmed_at = models.DateTimeField(
        _("membership confirmed at"), null=True, blank=True
    )
    edit_rights_requested_at = models.DateTimeField(
        _("edit rights requested at"), null=True, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return self.name

    @property
    def is_confirmed_member(self) -> bool:
        return self.user_id is not None and self.membership_confirmed_at is not None


class MarketplaceItem(models.Model):
    class Direction(models.TextChoices):
        OFFER = "offer", _("Offer")
        REQUEST = "request", _("Request")

    class Kind(models.TextChoices):
        PRODUCT = "product", _("Product")
        SERVICE = "service", _("Service")
        RND = "rnd", _("R&D cooperation")
        TENDER = "tender", _("Tender partnership")
        INVESTMENT = "investment", _("Investment")
        OTHER = "other", _("Other")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="marketplace_items",
        verbose_name=_("organisation"),
    )
    direction = models.CharField(_("offer or request"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    sectors = models.ManyToManyField(
        Sector, verbose_name=_("sectors"), blank=True, related_name="marketplace_items"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("marketplace item")
        verbose_name_plural = _("marketplace items")

    def __str__(self) -> str:
        return self.title
