from __future__ import annotations

from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from matchmaker.accounts import services
from matchmaker.accounts.models import User
from matchmaker.core.timezones import timezone_choices
from matchmaker.core.validators import ascii_email


def check_new_password(form: forms.Form, *, email: str) -> None:
    """Add errors to a form with password1, password2 and name fields when the two passwords
    differ or the first is too weak; the validators also compare it with the name and email."""
    cleaned = form.cleaned_data
    p1, p2 = cleaned.get("password1"), cleaned.get("password2")
    if p1 and p2 and p1 != p2:
        form.add_error("password2", _("The two passwords differ."))
    elif p1:
        user = User(email=email, name=cleaned.get("name", ""))
        try:
            password_validation.validate_password(p1, user)
        except forms.ValidationError as error:
            form.add_error("password1", error)


class SignupForm(forms.ModelForm):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["name", "email", "language", "time_zone"]
        widgets = {"time_zone": forms.Select(choices=timezone_choices())}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["email"].validators.append(ascii_email)

    def clean_email(self) -> str:
        return services.normalise_email(self.cleaned_data["email"])

    def validate_unique(self) -> None:
        # an address that has an account must not be told apart from a new one: sign-up
        # answers the same and emails the owner (see services.sign_up)
        pass

    def clean(self):
        cleaned = super().clean()
        check_new_password(self, email=cleaned.get("email", ""))
        return cleaned

    def sign_up(self) -> None:
        data = self.cleaned_data
        services.sign_up(
            email=data["email"],
            name=data["name"],
            password=data["password1"],
            language=data["language"],
            time_zone=data["time_zone"],
        )


class ConfirmSignupForm(forms.Form):
    password = forms.CharField(
        label=_("The password you chose at sign-up"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )


class AccountForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language", "time_zone"]
        widgets = {"time_zone": forms.Select(choices=timezone_choices())}

    def save(self, commit: bool = True) -> User:
        # Saving this form is choosing a language: from now on it follows the person.
        self.instance.language_chosen = True
        return super().save(commit)


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("New email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        validators=[ascii_email],
    )
    password = forms.CharField(
        label=_("Your current password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user: User, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = services.normalise_email(self.cleaned_data["email"])
        if email == self.user.email.lower():
            raise forms.ValidationError(_("This is your current address."))
        return email

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Django's reset form, sending through the outbox with the link built on SITE_URL (never on
    the request's Host header). A pending account can be reset too: the reset proves the
    address and opens it (see ConfirmingSetPasswordForm)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].validators.append(ascii_email)

    def get_users(self, email):
        for user in User.objects.filter(email__iexact=services.normalise_email(email)):
            if (user.is_active or services.is_pending(user)) and user.has_usable_password():
                yield user

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        path = reverse(
            "accounts:password_reset_confirm",
            kwargs={"uidb64": context["uid"], "token": context["token"]},
        )
        services.send_sensitive(
            "accounts/email/password_reset",
            {"link": services.absolute_url(path)},
            context["user"],
        )


class ConfirmingSetPasswordForm(auth_forms.SetPasswordForm):
    def save(self, commit: bool = True):
        user = super().save(commit=commit)
        if commit:
            services.confirm_pending_by_reset(user)
        return user
