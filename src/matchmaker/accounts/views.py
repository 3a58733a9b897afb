"""Account views. Each declares who may see it: anonymous visitors or signed-in users."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from matchmaker.accounts import services, throttle, tokens
from matchmaker.accounts.forms import (
    AccountForm,
    ConfirmingSetPasswordForm,
    ConfirmSignupForm,
    EmailChangeForm,
    PasswordResetForm,
    SignupForm,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _message_page(request: HttpRequest, title: str, message: str, **extra) -> HttpResponse:
    return render(
        request, "accounts/message_page.html", {"title": title, "message": message, **extra}
    )


def _link_failed(request: HttpRequest, error: Exception, again_hint: str) -> HttpResponse:
    if isinstance(error, tokens.TokenExpired):
        message = _("This link has expired.") + " " + again_hint
    else:
        message = _("This link is not valid or has been used already.") + " " + again_hint
    return render(
        request,
        "accounts/message_page.html",
        {"title": _("The link does not work"), "message": message, "show_login": True},
        status=400,
    )


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Anyone may sign up; a signed-in user is sent to the account page. The account stays
    closed until its address is confirmed by the emailed link."""
    if request.user.is_authenticated:
        return redirect("accounts:account")
    if request.method == "POST" and throttle.client_limited(request, "signup"):
        return throttle.too_many_requests(request)
    form = SignupForm(request.POST or None, initial={"language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        # the same answer whether the address was limited, known or new
        if not throttle.address_limited(request, "signup", form.cleaned_data["email"]):
            form.sign_up()
        return redirect("accounts:signup_sent")
    return render(request, "accounts/signup.html", {"form": form})


@require_GET
def signup_sent(request: HttpRequest) -> HttpResponse:
    """Anyone."""
    return _message_page(
        request,
        _("Check your email"),
        _(
            "We have sent a link to the address you gave. Follow it within %(days)d days to "
            "confirm your address and open your account."
        )
        % {"days": services.link_days()},
    )


def _confirmation_failed(request: HttpRequest, error: Exception) -> HttpResponse:
    return _link_failed(
        request,
        error,
        _("If you confirmed your address already, log in; otherwise sign up again."),
    )


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone holding the emailed link may see the page (opening it changes nothing); only the
    visitor who enters the password chosen at sign-up opens the account and is signed in.
    Wrong passwords count against the sign-in lockout of the address."""
    try:
        user = services.account_to_confirm(token)
    except (tokens.TokenExpired, tokens.TokenInvalid) as error:
        return _confirmation_failed(request, error)
    if request.user.is_authenticated:
        # signing in here would swap the visitor's own account for this one
        return _message_page(
            request,
            _("Sign out first"),
            _("You are signed in to another account. Sign out, then open the link again."),
        )
    credentials = {"username": user.email}
    if request.method == "POST" and AxesProxyHandler.is_locked(request, credentials):
        return throttle.too_many_requests(request)
    form = ConfirmSignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.confirm_account(token, form.cleaned_data["password"])
        except services.WrongPassword:
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            if AxesProxyHandler.is_locked(request, credentials):
                return throttle.too_many_requests(request)
            form.add_error("password", _("This is not the password chosen at sign-up."))
        except (tokens.TokenExpired, tokens.TokenInvalid) as error:  # used meanwhile
            return _confirmation_failed(request, error)
        else:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(
                request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.name}
            )
            return redirect("home")
    return render(request, "accounts/confirm.html", {"form": form, "email": user.email})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own account, nobody else's."""
    initial = {}
    if not request.user.language_chosen:
        # show the language they browse in, so saving the form keeps the interface as it is
        initial["language"] = translation.get_language()
    form = AccountForm(request.POST or None, instance=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language)
        messages.success(request, _("Your account has been saved."))
        response = redirect("accounts:account")
        response.set_cookie("django_language", user.language, samesite="Lax")
        return response
    return render(
        request,
        "accounts/account.html",
        {"form": form, "email_form": EmailChangeForm(request.user)},
    )


@login_required
@require_POST
def email_change(request: HttpRequest) -> HttpResponse:
    """The signed-in user asks to move their own account to another address."""
    if throttle.client_limited(request, "email_change"):
        return throttle.too_many_requests(request)
    form = EmailChangeForm(request.user, request.POST)
    if form.is_valid():
        services.request_email_change(request.user, form.cleaned_data["email"])
        messages.success(
            request,
            _("We have sent a link to %(email)s. Your address changes when you follow it.")
            % {"email": form.cleaned_data["email"]},
        )
        return redirect("accounts:account")
    return render(
        request,
        "accounts/account.html",
        {"form": AccountForm(instance=request.user), "email_form": form},
    )


@require_GET
def email_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Anyone holding the link sent to the new address."""
    try:
        user = services.confirm_email_change(token)
    except (tokens.TokenExpired, tokens.TokenInvalid) as error:
        return _link_failed(request, error, _("Ask for the change again on your account page."))
    except services.EmailChangeError as error:
        return _message_page(request, _("The link does not work"), str(error))
    return _message_page(
        request,
        _("Email address changed"),
        _("Your account now uses %(email)s.") % {"email": user.email},
        show_login=not request.user.is_authenticated,
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Anyone. The answer is the same for every address, also when the address had enough
    reset emails for now; only a client sending too many requests is told to wait."""

    template_name = "accounts/form_page.html"
    form_class = PasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")
    title = gettext_lazy("Password reset")

    def post(self, request, *args, **kwargs):
        if throttle.client_limited(request, "password_reset"):
            return throttle.too_many_requests(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        if throttle.address_limited(
            request=self.request, group="password_reset", address=form.cleaned_data["email"]
        ):
            return redirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/form_page.html"
    form_class = ConfirmingSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
