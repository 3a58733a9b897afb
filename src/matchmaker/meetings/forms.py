from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from matchmaker.core.forms import HttpsURLField, bounded_formfield
from matchmaker.events.models import Event
from matchmaker.meetings.models import (
    MAX_TABLES,
    REASON_MAX_LENGTH,
    B2BSession,
    Meeting,
    MeetingRule,
    MeetingSettings,
    RecommendationChoice,
    Slot,
    Table,
)
from matchmaker.meetings.organiser import slot_conflict
from matchmaker.meetings.rule_checks import impossible_rule
from matchmaker.meetings.setup import settings_for


class SlotChoiceField(forms.ModelChoiceField):
    """Slots labelled in `zone`: the page's zone, else the event's."""

    zone = None

    def label_from_instance(self, slot: Slot) -> str:
        return slot.long_label(self.zone or slot.event.tz)


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Say why you would like to meet."),
    )
    slot = SlotChoiceField(
        queryset=Slot.objects.none(),
        required=False,
        label=_("Proposed slot"),
        empty_label=_("Let the organisers schedule it"),
    )

    def __init__(self, *args, slots=None, live: bool = True, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].zone = zone
        if live and slots is not None:
            self.fields["slot"].queryset = Slot.objects.filter(
                pk__in=[s.pk for s in slots]
            ).select_related("session", "event")
        else:
            del self.fields["slot"]


class AcceptForm(forms.Form):
    slot = SlotChoiceField(queryset=Slot.objects.none(), required=False, label=_("Slot"))

    def __init__(self, *args, slots=None, required: bool = False, zone=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].zone = zone
        self.fields["slot"].queryset = Slot.objects.filter(
            pk__in=[s.pk for s in slots or []]
        ).select_related("session", "event")
        self.fields["slot"].required = required
        if not required:
            self.fields["slot"].empty_label = _("Let the organisers schedule it")


class MeetingSettingsForm(forms.ModelForm):
    class Meta:
        model = MeetingSettings
        fields = [
            "mode",
            "format",
            "video_base_url",
            "max_requests_sent",
            "max_requests_received",
            "max_meetings",
            "min_meetings",
            "request_expiry_days",
            "requests_open",
        ]
        field_classes = {"video_base_url": HttpsURLField}
        formfield_callback = bounded_formfield

    def clean(self):
        cleaned = super().clean()
        target, most = cleaned.get("min_meetings"), cleaned.get("max_meetings")
        if target is not None and most is not None and target > most:
            # a target above the maximum can never be met: refuse it now, not after a run
            self.add_error(
                "min_meetings",
                _("The target cannot be above the maximum of %(max)d meetings per participant.")
                % {"max": most},
            )
        return cleaned


class SessionForm(forms.ModelForm):
    class Meta:
        model = B2BSession
        fields = ["name", "date", "start_time", "end_time", "slot_minutes", "pauses"]
        formfield_callback = bounded_formfield
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
            "end_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def clean_date(self):
        date = self.cleaned_data["date"]
        if not (self.event.start_date <= date <= self.event.end_date):
            raise forms.ValidationError(_("The session must be on a day of the event."))
        return date


class TableCountForm(forms.Form):
    count = forms.IntegerField(label=_("Number of tables"), min_value=0, max_value=MAX_TABLES)


class TableHostForm(forms.ModelForm):
    class Meta:
        model = Table
        fields = ["name", "host"]

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = event.participants.filter(status="approved").select_related(
            "person"
        )
        self.fields["host"].label_from_instance = lambda p: (
            f"{p.person.name} ({p.person.organisation.name})"
        )


class RuleForm(forms.ModelForm):
    class Meta:
        model = MeetingRule
        fields = ["kind", "n", "category", "partner_category"]
        formfield_callback = bounded_formfield

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["category"].queryset = event.categories.all()
        self.fields["partner_category"].queryset = event.categories.all()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == MeetingRule.Kind.MIN_WITH_CATEGORY and not cleaned.get(
            "partner_category"
        ):
            self.add_error("partner_category", _("Choose the category to meet."))
        if cleaned.get("kind") == MeetingRule.Kind.MAX_IN_ROW and cleaned.get("n") == 0:
            self.add_error("n", _("At most 0 in a row would forbid every meeting."))
        if not self.errors:
            problem = impossible_rule(
                self.event,
                cleaned["kind"],
                cleaned["n"],
                cleaned.get("category"),
                cleaned.get("partner_category"),
            )
            if problem:
                self.add_error("n", problem)
        return cleaned


class MoveForm(forms.Form):
    """Where to move a meeting. Only the slots and tables it may go to are offered; a slot
    typed in anyway (or taken meanwhile) is refused with who is busy in it."""

    slot = SlotChoiceField(queryset=Slot.objects.none(), label=_("Slot"))
    table = forms.ModelChoiceField(
        queryset=Table.objects.none(),
        required=False,
        label=_("Table"),
        empty_label=_("Any free table"),
    )

    def __init__(self, *args, meeting: Meeting, targets: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        self.moves = [t for t in targets if t.swap_with is None]
        event_slots = Slot.objects.filter(event=meeting.event_id).select_related("session")
        self.fields["slot"].queryset = event_slots
        self.fields["slot"].zone = meeting.event.tz
        offered = {t.slot_id for t in self.moves}
        label = self.fields["slot"].label_from_instance
        self.fields["slot"].widget.choices = [
            (s.pk, label(s)) for s in event_slots if s.pk in offered
        ]
        tables = {t.table_id for t in self.moves if t.table_id}
        if settings_for(meeting.event).format == MeetingSettings.Format.ONLINE:
            del self.fields["table"]  # a video room, no table
        else:
            self.fields["table"].queryset = Table.objects.filter(event=meeting.event_id)
            self.fields["table"].widget.choices = [("", self.fields["table"].empty_label)] + [
                (t.pk, str(t)) for t in Table.objects.filter(event=meeting.event_id, pk__in=tables)
            ]

    def clean(self):
        cleaned = super().clean()
        slot, table = cleaned.get("slot"), cleaned.get("table")
        if slot is None:
            return cleaned
        conflict = slot_conflict(self.meeting, slot, table)
        if conflict:
            raise forms.ValidationError(conflict)
        if table is None and "table" in self.fields:
            free = [t.table_id for t in self.moves if t.slot_id == slot.pk and t.table_id]
            if not free:
                raise forms.ValidationError(_("No table is free in this slot."))
            cleaned["table"] = Table.objects.get(pk=free[0])
        return cleaned


class GridMoveForm(forms.Form):
    """A click on a lit cell of the schedule grid: move `meeting` there, or swap it with
    the meeting in that cell."""

    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none())
    slot = forms.ModelChoiceField(queryset=Slot.objects.none())
    table = forms.ModelChoiceField(queryset=Table.objects.none(), required=False)
    swap = forms.ModelChoiceField(queryset=Meeting.objects.none(), required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        held = Meeting.objects.filter(event=event, status=Meeting.Status.SCHEDULED)
        self.fields["meeting"].queryset = held.select_related("slot", "table")
        self.fields["swap"].queryset = held.select_related("slot", "table")
        self.fields["slot"].queryset = Slot.objects.filter(event=event)
        self.fields["table"].queryset = Table.objects.filter(event=event)


class GridPickForm(forms.Form):
    """The meeting picked on the schedule grid, if any."""

    meeting = forms.ModelChoiceField(queryset=Meeting.objects.none(), required=False)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = Meeting.objects.filter(
            event=event, status=Meeting.Status.SCHEDULED
        ).select_related("a__person", "b__person", "slot", "table")


# seconds the solver may take, offered in words an organiser picks from
TIME_ALLOWED = [
    (10, _("10 seconds")),
    (30, _("30 seconds")),
    (60, _("1 minute")),
    (120, _("2 minutes")),
    (300, _("5 minutes")),
]


class RunForm(forms.Form):
    time_limit = forms.TypedChoiceField(
        label=_("Time allowed"),
        choices=TIME_ALLOWED,
        coerce=int,
        initial=30,
        help_text=_("The scheduler stops earlier when it has found the best possible schedule."),
    )


class ReasonForm(forms.Form):
    """The optional reason on the confirmation step of declining, withdrawing or cancelling."""

    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("It is included in the email to the other side."),
    )


class RecommendationChoiceForm(forms.Form):
    """Hide a suggested partner, keep them for later, or (empty) undo either."""

    choice = forms.ChoiceField(
        choices=[("", _("Show again")), *RecommendationChoice.Choice.choices], required=False
    )
