"""Adding organisers: by an emailed invitation, never by telling whether an address has an
account; and who may create events at all."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.core import mail
from django.urls import reverse

from matchmaker.events.models import TeamMember
from tests.conftest import ROLE_NAMES
from tests.factories import UserFactory, allow_event_creation

SENT = ["We have sent an invitation to that address."]


def invite(client, event, email):
    response = client.post(
        reverse("events:team_add", kwargs={"slug": event.slug}), {"email": email}, follow=True
    )
    return [str(m) for m in response.context["messages"]]


def team_link(message) -> str:
    return re.search(r"http://127\.0\.0\.1:8000(/events/\S+/team/join/\S+/)", message.body).group(1)


@pytest.mark.django_db
def test_team_add_answers_the_same_for_known_and_unknown_addresses(client_for, roles):
    UserFactory(email="colleague@example.org")
    client = client_for(roles.organiser)
    assert invite(client, roles.event, "colleague@example.org") == SENT
    assert invite(client, roles.event, "ghost@example.org") == SENT
    assert [m.to[0].rsplit("<", 1)[-1].rstrip(">") for m in mail.outbox] == [
        "colleague@example.org",
        "ghost@example.org",
    ]
    assert {m.extra_headers["X-Matchmaker-Sensitive"] for m in mail.outbox} == {"1"}
    # nobody is added by the invitation alone
    assert list(TeamMember.objects.filter(event=roles.event).values_list("user", flat=True)) == [
        roles.organiser.pk
    ]


@pytest.mark.django_db
def test_following_the_team_invitation_signed_in_as_its_owner_adds_them(client_for, roles):
    colleague = UserFactory(email="colleague@example.org")
    invite(client_for(roles.organiser), roles.event, "Colleague@Example.org")
    link = team_link(mail.outbox[0])

    # anonymous: log in first
    client = client_for(None)
    assert client.get(link)["Location"] == f"/accounts/login/?next={quote(link)}"
    # someone else's account: refused
    client = client_for(roles.participant)
    response = client.get(link, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "This invitation is for another email address. Log out and open the link again."
    ]
    assert not TeamMember.objects.filter(event=roles.event, user=roles.participant).exists()
    # the owner of the address
    client = client_for(colleague)
    response = client.get(link)
    assert response["Location"] == reverse("events:manage", kwargs={"slug": roles.event.slug})
    assert TeamMember.objects.filter(event=roles.event, user=colleague).exists()


@pytest.mark.django_db
def test_team_invitation_cannot_be_tampered_with_or_used_for_another_event(client_for, roles):
    colleague = UserFactory(email="colleague@example.org")
    invite(client_for(roles.organiser), roles.event, "colleague@example.org")
    link = team_link(mail.outbox[0])
    client = client_for(colleague)
    tampered = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    other = link.replace(f"/events/{roles.event.slug}/", f"/events/{roles.other_event.slug}/")
    for bad in (tampered, other):
        response = client.get(bad, follow=True)
        assert [str(m) for m in response.context["messages"]] == [
            "This invitation is not valid or has been used already."
        ]
    assert TeamMember.objects.filter(user=colleague).count() == 0


@pytest.mark.django_db
def test_team_invitation_expires(client_for, roles, settings):
    colleague = UserFactory(email="colleague@example.org")
    invite(client_for(roles.organiser), roles.event, "colleague@example.org")
    settings.MATCHMAKER_LINK_MAX_AGE = -1
    response = client_for(colleague).get(team_link(mail.outbox[0]), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "This invitation has expired. Ask for a new one."
    ]
    assert not TeamMember.objects.filter(user=colleague).exists()


@pytest.mark.django_db
def test_an_invitation_dies_with_its_senders_place_on_the_team(client_for, roles):
    colleague = UserFactory(email="colleague@example.org")
    invite(client_for(roles.organiser), roles.event, "colleague@example.org")
    TeamMember.objects.filter(event=roles.event, user=roles.organiser).delete()
    client_for(colleague).get(team_link(mail.outbox[0]))
    assert not TeamMember.objects.filter(user=colleague).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLE_NAMES + ["allowed"])
def test_who_may_create_events(client_for, roles, role):
    user = allow_event_creation(UserFactory()) if role == "allowed" else roles.user(role)
    client = client_for(user)
    response = client.get(reverse("events:create"))
    expected = {"anonymous": 302, "staff": 200, "allowed": 200}.get(role, 403)
    assert response.status_code == expected
    listing = client.get(reverse("events:list")).content.decode()
    assert (reverse("events:create") in listing) == (expected == 200)


@pytest.mark.django_db
def test_team_invitations_are_limited_per_address_with_the_same_answer(client_for, roles):
    client = client_for(roles.organiser)
    for _attempt in range(4):
        assert invite(client, roles.event, "colleague@example.org") == SENT
    assert invite(client, roles.event, "other@example.org") == SENT
    assert [m.to[0].rsplit("<", 1)[-1].rstrip(">") for m in mail.outbox] == [
        "colleague@example.org"
    ] * 3 + ["other@example.org"]
