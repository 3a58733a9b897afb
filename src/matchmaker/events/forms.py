from __future__ import annotations

import zoneinfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from matchmaker.core.forms import (
    HttpsURLField,
    IdsChoiceField,
    bounded_formfield,
    check_event_dates,
)
from matchmaker.core.timefmt import DATETIME_INPUT_FORMAT, in_zone
from matchmaker.core.timezones import is_valid_timezone, timezone_choices
from matchmaker.core.validators import ascii_email
from matchmaker.directory.taxonomy import translated_languages
from matchmaker.events.models import (
    Event,
    Participant,
    ParticipantCategory,
    ProgrammeItem,
    RegistrationQuestion,
    Venue,
)


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_INPUT_FORMAT)


class EventForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        choices=translated_languages,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Languages"),
    )

    class Meta:
        model = Event
        fields = [
            "name",
            "kind",
            "format",
            "start_date",
            "end_date",
            "time_zone",
            "languages",
            "description",
            "registration_opens",
            "registration_closes",
            "requires_approval",
            "is_published",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "time_zone": forms.Select(choices=timezone_choices()),
            "registration_opens": DateTimeInput(),
            "registration_closes": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    # Registration opens and closes at times in the event's own zone, whoever edits it.
    ZONED_FIELDS = ("registration_opens", "registration_closes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.ZONED_FIELDS:
            self.fields[name].help_text = _("In the event's time zone.")
            if self.instance.pk and self.initial.get(name):
                local = in_zone(self.initial[name], self.instance.tz)
                self.initial[name] = local.replace(tzinfo=None)

    def clean(self):
        cleaned = super().clean()
        check_event_dates(
            self, "start_date", "end_date", "registration_opens", "registration_closes"
        )
        if is_valid_timezone(cleaned.get("time_zone") or ""):
            zone = zoneinfo.ZoneInfo(cleaned["time_zone"])
            for name in self.ZONED_FIELDS:
                if cleaned.get(name):
                    naive = timezone.make_naive(cleaned[name])
                    cleaned[name] = naive.replace(tzinfo=zone)
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The last day cannot be before the first day."))
        opens, closes = cleaned.get("registration_opens"), cleaned.get("registration_closes")
        if opens and closes and closes <= opens:
            self.add_error("registration_closes", _("Registration must close after it opens."))
        return cleaned


class VenueForm(forms.ModelForm):
    class Meta:
        model = Venue
        fields = ["name", "address", "city", "country"]


class CategoryForm(forms.ModelForm):
    class Meta:
        model = ParticipantCategory
        fields = ["name", "description", "open_registration", "requires_approval"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        clash = ParticipantCategory.objects.filter(event=self.event, name__iexact=name)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("This event already has a category with this name."))
        return name


class QuestionForm(forms.ModelForm):
    class Meta:
        model = RegistrationQuestion
        fields = ["label", "help_text", "kind", "required", "categories", "position"]
        widgets = {"categories": forms.CheckboxSelectMultiple}
        field_classes = {"categories": IdsChoiceField}
        formfield_callback = bounded_formfield

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["categories"].queryset = event.categories.all()


class ProgrammeItemForm(forms.ModelForm):
    class Meta:
        model = ProgrammeItem
        field_classes = {"online_url": HttpsURLField}
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "venue",
            "speakers",
            "description",
            "online_url",
        ]
        widgets = {
            "starts_at": DateTimeInput(),
            "ends_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["venue"].queryset = event.venues.all()
        self.fields["starts_at"].help_text = _("In the event's time zone (%(tz)s).") % {
            "tz": event.time_zone
        }

    def clean(self):
        cleaned = super().clean()
        check_event_dates(self, "starts_at", "ends_at")
        start, end = cleaned.get("starts_at"), cleaned.get("ends_at")
        if start and end and end <= start:
            self.add_error("ends_at", _("The item must end after it starts."))
        return cleaned


class CategoryChoiceForm(forms.Form):
    category = forms.ModelChoiceField(
        queryset=ParticipantCategory.objects.none(), label=_("I take part as")
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = event.categories.filter(open_registration=True)


class AnswersForm(forms.Form):
    """One field per registration question of the chosen category."""

    def __init__(self, *args, questions: list[RegistrationQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            name = f"q{question.pk}"
            if question.kind == RegistrationQuestion.Kind.YES_NO:
                field = forms.ChoiceField(
                    choices=[("", "—"), ("yes", _("Yes")), ("no", _("No"))],
                    required=question.required,
                )
            elif question.kind == RegistrationQuestion.Kind.LONG:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 3}), required=question.required
                )
            else:
                field = forms.CharField(max_length=500, required=question.required)
            field.label = question.label
            field.help_text = question.help_text
            self.fields[name] = field

    def answers(self) -> dict[str, str]:
        return {str(q.pk): self.cleaned_data.get(f"q{q.pk}", "") for q in self.questions}


class ParticipantFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ModelChoiceField(
        queryset=ParticipantCategory.objects.none(), required=False, label=_("Category")
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All statuses")), *Participant.Status.choices]
        self.fields["category"].queryset = event.categories.all()
        self.fields["category"].empty_label = _("All categories")


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Participant.Status.choices)


class ImportOptionsForm(forms.Form):
    default_category = forms.ModelChoiceField(
        queryset=ParticipantCategory.objects.none(),
        required=False,
        label=_("Category for rows without one"),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_category"].queryset = event.categories.all()


class TeamMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of a Matchmaker account"), validators=[ascii_email]
    )
