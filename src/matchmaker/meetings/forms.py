from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matchmaker.core.forms import HttpsURLField, bounded_formfield
from matchmaker.events.models import Event
from matchmaker.meetings.models import (
    MAX_TABLES,
    B2BSession,
    MeetingRule,
    MeetingSettings,
    Slot,
    Table,
)


class SlotChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, slot: Slot) -> str:
        start = timezone.localtime(slot.starts_at)
        end = timezone.localtime(slot.ends_at)
        return f"{slot.session.name}: {start:%a %d %b %H:%M}–{end:%H:%M}"


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

    def __init__(self, *args, slots=None, live: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if live and slots is not None:
            self.fields["slot"].queryset = Slot.objects.filter(
                pk__in=[s.pk for s in slots]
            ).select_related("session")
        else:
            del self.fields["slot"]


class AcceptForm(forms.Form):
    slot = SlotChoiceField(queryset=Slot.objects.none(), required=False, label=_("Slot"))

    def __init__(self, *args, slots=None, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = Slot.objects.filter(
            pk__in=[s.pk for s in slots or []]
        ).select_related("session")
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
        low, high = cleaned.get("min_meetings"), cleaned.get("max_meetings")
        if low is not None and high is not None and low > high:
            self.add_error(
                "min_meetings", _("The target cannot be above the maximum number of meetings.")
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
        return cleaned


class MoveForm(forms.Form):
    slot = SlotChoiceField(queryset=Slot.objects.none(), label=_("Slot"))
    table = forms.ModelChoiceField(queryset=Table.objects.none(), required=False, label=_("Table"))

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slot"].queryset = Slot.objects.filter(event=event).select_related("session")
        self.fields["table"].queryset = Table.objects.filter(event=event)


class RunForm(forms.Form):
    time_limit = forms.IntegerField(
        label=_("Time limit (seconds)"), min_value=2, max_value=600, initial=20
    )
