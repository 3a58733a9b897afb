"""Who may do what with an event. Each view uses exactly one of these."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from matchmaker.events.models import Event, Participant, TeamMember


def is_organiser(user, event: Event) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_staff or TeamMember.objects.filter(event=event, user=user).exists()


def can_create_events(user) -> bool:
    """Staff, and the users staff gave the permission events.add_event in the admin."""
    return user.is_authenticated and (user.is_staff or user.has_perm("events.add_event"))


def participant_for(user, event: Event) -> Participant | None:
    if not user.is_authenticated:
        return None
    return (
        Participant.objects.select_related("person__organisation", "category")
        .filter(event=event, person__user=user)
        .first()
    )


def visible_event(user, slug: str) -> Event:
    """A published event for everyone; an unpublished one only for its organisers (else 404)."""
    event = get_object_or_404(Event, slug=slug)
    if not event.is_published and not is_organiser(user, event):
        raise Http404
    return event


def organiser_required(view):
    """The view gets `event` for organisers of this event and staff; others get 403, anonymous a login."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        event = get_object_or_404(Event, slug=slug)
        if not is_organiser(request.user, event):
            raise PermissionDenied
        return view(request, event, *args, **kwargs)

    wrapper.permission = "organiser"  # type: ignore[attr-defined]
    return wrapper
