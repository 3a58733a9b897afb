"""Pages that send email on a signed-in user's behalf cannot be used to flood an address."""

from __future__ import annotations

import time

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import OrganisationFactory, PersonFactory, UserFactory

LISTED = [
    "You are listed in the directory already. We sent you a link by email (at most once an "
    "hour): follow it to attach that entry to your account."
]
SENT = ["We have sent an invitation to that address."]


def recipients():
    return [message.to[0].rsplit("<", 1)[-1].rstrip(">") for message in mail.outbox]


@pytest.mark.django_db
def test_my_organisation_emails_the_claim_link_once_an_hour(client, monkeypatch):
    user = UserFactory(email="jan@example.org")
    PersonFactory(email="jan@example.org", organisation=OrganisationFactory(name="Odra"))
    client.force_login(user)
    for _visit in range(3):
        response = client.get(reverse("directory:mine"), follow=True)
        assert [str(m) for m in response.context["messages"]] == LISTED
    assert recipients() == ["jan@example.org"]
    an_hour_later = time.time() + 3601
    monkeypatch.setattr(time, "time", lambda: an_hour_later)
    client.get(reverse("directory:mine"))
    assert recipients() == ["jan@example.org", "jan@example.org"]


@pytest.mark.django_db
def test_the_claim_link_interval_is_per_entry(client):
    for email in ("jan@example.org", "ewa@example.org"):
        PersonFactory(email=email, organisation=OrganisationFactory())
        client.force_login(UserFactory(email=email))
        client.get(reverse("directory:mine"))
        client.get(reverse("directory:mine"))
    assert recipients() == ["jan@example.org", "ewa@example.org"]


@pytest.fixture
def acme(db):
    org = OrganisationFactory(name="Acme")
    member = UserFactory(email="member@acme.example")
    PersonFactory(organisation=org, user=member, email=member.email, confirmed=True)
    return org, member


def invite(client, org, email):
    response = client.post(
        reverse("directory:invite", args=[org.pk]), {"email": email}, follow=True
    )
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_colleague_invitations_are_limited_per_address_with_the_same_answer(client, acme):
    org, member = acme
    client.force_login(member)
    for email in ("new@acme.example", "NEW@acme.example", "new@acme.example", "New@Acme.example"):
        assert invite(client, org, email) == SENT
    assert recipients() == ["new@acme.example"] * 3
    assert invite(client, org, "other@acme.example") == SENT
    assert recipients() == ["new@acme.example"] * 3 + ["other@acme.example"]


@pytest.mark.django_db
def test_the_address_limit_counts_invitations_from_every_inviter(client, acme):
    org, member = acme
    other = OrganisationFactory(name="Other")
    other_member = UserFactory()
    PersonFactory(organisation=other, user=other_member, confirmed=True)
    for inviter, organisation in [(member, org), (other_member, other)] * 2:
        client.force_login(inviter)
        assert invite(client, organisation, "target@example.org") == SENT
    assert recipients() == ["target@example.org"] * 3
