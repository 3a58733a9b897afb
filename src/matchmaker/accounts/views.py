"""Account views. Each declares who may see it: anonymous visitors or signed-in users."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from matchmaker.accounts.forms import AccountForm, SignupForm


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Anyone may sign up; a signed-in user is sent to the account page."""
    if request.user.is_authenticated:
        return redirect("accounts:account")
    form = SignupForm(request.POST or None, initial={"language": translation.get_language()})
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Welcome, %(name)s. Your account is ready.") % {"name": user.name}
        )
        return redirect("home")
    return render(request, "accounts/signup.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own account, nobody else's."""
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        translation.activate(user.language)
        messages.success(request, _("Your account has been saved."))
        response = redirect("accounts:account")
        response.set_cookie("django_language", user.language, samesite="Lax")
        return response
    return render(request, "accounts/account.html", {"form": form})
