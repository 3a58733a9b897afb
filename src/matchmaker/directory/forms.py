from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from matchmaker.accounts.forms import check_new_password
from matchmaker.core.forms import HttpsURLField
from matchmaker.core.validators import ascii_email
from matchmaker.directory import services
from matchmaker.directory.models import MarketplaceItem, Organisation, Sector
from matchmaker.directory.taxonomy import translated_languages


class SectorChoiceField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        super().__init__(**kwargs)

    def label_from_instance(self, obj: Sector) -> str:
        return str(obj)


class OrganisationForm(forms.ModelForm):
    sectors = SectorChoiceField(queryset=Sector.objects.all(), required=False, label=_("Sectors"))
    languages = forms.MultipleChoiceField(
        choices=translated_languages,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Languages"),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "type",
            "country",
            "region",
            "sectors",
            "size",
            "website",
            "description",
            "competences",
            "languages",
        ]
        field_classes = {"website": HttpsURLField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "competences": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        cleaned = super().clean()
        name, country = cleaned.get("name"), cleaned.get("country")
        unchanged = self.instance.pk and not {"name", "country"} & set(self.changed_data)
        # a look-alike of a listed organisation would collect the people imported for it
        if name and country and not unchanged:
            if services.organisations_named(name, country, exclude_pk=self.instance.pk):
                self.add_error(
                    "name",
                    _(
                        "An organisation with this name is already in the directory for this "
                        "country: ask one of its members to invite you, or contact the "
                        "organisers."
                    ),
                )
        return cleaned


class OwnOrganisationForm(OrganisationForm):
    job_title = forms.CharField(label=_("Your job title"), max_length=150, required=False)


class MarketplaceItemForm(forms.ModelForm):
    sectors = SectorChoiceField(queryset=Sector.objects.all(), required=False, label=_("Sectors"))

    class Meta:
        model = MarketplaceItem
        fields = ["direction", "kind", "title", "description", "sectors"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


def _with_blank(choices, label):
    return [("", label), *choices]


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    country = forms.ChoiceField(label=_("Country"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = _with_blank(list(countries), _("All countries"))
        self.fields["type"].choices = _with_blank(Organisation.Type.choices, _("All types"))
        self.fields["sector"].choices = _with_blank(
            [(s.code, str(s)) for s in Sector.objects.all()], _("All sectors")
        )


class MarketplaceSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    direction = forms.ChoiceField(label=_("Offer or request"), required=False)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["direction"].choices = _with_blank(
            MarketplaceItem.Direction.choices, _("Offers and requests")
        )
        self.fields["kind"].choices = _with_blank(MarketplaceItem.Kind.choices, _("All kinds"))
        self.fields["sector"].choices = _with_blank(
            [(s.code, str(s)) for s in Sector.objects.all()], _("All sectors")
        )


class ColleagueInviteForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email address"), validators=[ascii_email])


class ClaimForm(forms.Form):
    """Set up the account of an invited person (the address is the invitation's)."""

    name = forms.CharField(label=_("Full name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        check_new_password(self, email=self.email)
        return cleaned
