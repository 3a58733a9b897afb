"""Who may use the B2B pages of an event."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from matchmaker.events.permissions import visible_event
from matchmaker.meetings.booking import participant_of


def participant_required(view):
    """Approved participants of this event get (event, participant); others 403, anonymous a login."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        event = visible_event(request.user, slug)
        participant = participant_of(request.user, event)
        if participant is None:
            raise PermissionDenied
        # the same event, already loaded: services reading participant.event need no query
        participant.event = event
        return view(request, event, participant, *args, **kwargs)

    wrapper.permission = "participant"  # type: ignore[attr-defined]
    return wrapper
