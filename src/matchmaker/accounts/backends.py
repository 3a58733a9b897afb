"""Sign-in throttling: django-axes locks an account out for a cool-off after repeated failures
from one address (see AXES_* in settings)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LoginLockoutBackend(AxesStandaloneBackend):
    """Axes' check, for web sign-ins only. Code that authenticates without a request (the
    shell, the test client's login()) has no client to throttle, so it is let through to the
    next backend instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_username(request, credentials) -> str:
    """Count failures per address whatever its letter case, as sign-in itself does."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return (value or "").strip().lower()
