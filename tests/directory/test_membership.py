"""Who may act for an organisation: imports grant nothing, accounts are attached only through
links emailed to the address, edit rights need a confirmed membership."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from matchmaker.directory.models import Organisation, Person
from tests.factories import (
    PASSWORD,
    CategoryFactory,
    OrganisationFactory,
    PersonFactory,
    UserFactory,
    allow_event_creation,
)

User = get_user_model()
EDIT = {"name": "Hijacked", "type": "sme", "country": "PL"}


def link_in(message, path: str) -> str:
    return re.search(rf"http://127\.0\.0\.1:8000({path}\S+/)", message.body).group(1)


def import_rows(client, event_slug: str, csv: str):
    url = reverse("events:import", kwargs={"slug": event_slug})
    response = client.post(
        url, {"file": SimpleUploadedFile("people.csv", csv.encode()), "default_category": ""}
    )
    assert response.context["preview"].is_valid, [
        r.errors for r in response.context["preview"].rows
    ]
    return client.post(url, {"confirm": "1", "token": response.context["token"]})


def create_event(client, name="Fake Fair"):
    response = client.post(
        reverse("events:create"),
        {
            "name": name,
            "kind": "brokerage",
            "format": "hybrid",
            "start_date": "2027-04-16",
            "end_date": "2027-04-17",
            "time_zone": "Europe/Paris",
            "languages": ["en"],
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    return re.sub(r"\W+", "-", name.lower())


# --- the organisation hijack through an import ---------------------------------------------


@pytest.mark.django_db
def test_importing_an_existing_organisation_with_ones_own_address_gives_no_edit_rights(client):
    acme = OrganisationFactory(name="Acme", country="PL")
    PersonFactory(organisation=acme, user=UserFactory(), confirmed=True)
    mallory = allow_event_creation(UserFactory(email="mallory@example.org"))
    client.force_login(mallory)
    slug = create_event(client)
    from matchmaker.events.models import Event

    CategoryFactory(event=Event.objects.get(slug=slug), name="Delegate")
    import_rows(
        client,
        slug,
        "organisation,type,country,name,email,category\n"
        "Acme,sme,PL,Mallory,mallory@example.org,Delegate\n",
    )
    person = Person.objects.get(email="mallory@example.org")
    assert (person.organisation, person.user) == (acme, None)  # listed, not linked
    assert client.get(reverse("directory:edit", args=[acme.pk])).status_code == 403
    client.post(reverse("directory:edit", args=[acme.pk]), EDIT)
    acme.refresh_from_db()
    assert acme.name == "Acme"
    # following the invitation the import sent attaches the account, still without rights
    invitation = next(m for m in mail.outbox if "mallory@example.org" in m.to[0])
    client.get(link_in(invitation, "/directory/claim/"))
    person.refresh_from_db()
    assert (person.user, person.membership_confirmed_at) == (mallory, None)
    assert client.get(reverse("directory:edit", args=[acme.pk])).status_code == 403


# --- the account takeover by sign-up -------------------------------------------------------


@pytest.mark.django_db
def test_signing_up_with_an_imported_delegates_address_gives_nothing_until_confirmed(
    client, client_for, roles
):
    organiser = client_for(roles.organiser)
    CategoryFactory(event=roles.event, name="Host")
    import_rows(
        organiser,
        roles.event.slug,
        "organisation,type,country,name,email,category\n"
        "Vistula Vacuum,sme,PL,Marek Nowak,marek@vistula.example,Delegate\n",
    )
    invitation = mail.outbox[-1]
    assert invitation.to == ["Marek Nowak <marek@vistula.example>"]
    assert invitation.extra_headers["X-Matchmaker-Sensitive"] == "1"
    organiser.logout()

    client.post(
        reverse("accounts:signup"),
        {
            "name": "Intruder",
            "email": "marek@vistula.example",
            "language": "en",
            "time_zone": "UTC",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    requests_page = reverse("meetings:requests", kwargs={"slug": roles.event.slug})
    assert client.get(requests_page).status_code == 302  # to the login page
    assert not client.login(username="marek@vistula.example", password=PASSWORD)
    marek = Person.objects.get(email="marek@vistula.example")
    assert marek.user is None
    org = marek.organisation
    assert client.get(reverse("directory:edit", args=[org.pk])).status_code == 302

    # the owner of the mailbox confirms: now the account is theirs and linked
    client.post(link_in(mail.outbox[-1], "/accounts/confirm/"), {"password": PASSWORD})
    marek.refresh_from_db()
    assert marek.user.email == "marek@vistula.example"
    assert client.get(requests_page).status_code == 200


# --- invitations of imported people ----------------------------------------------------------


@pytest.fixture
def staff_import(client):
    def run(csv: str):
        client.force_login(UserFactory(is_staff=True))
        response = client.post(
            reverse("directory:import"), {"file": SimpleUploadedFile("p.csv", csv.encode())}
        )
        client.post(
            reverse("directory:import"), {"confirm": "1", "token": response.context["token"]}
        )
        client.logout()
        return [m for m in mail.outbox if "/directory/claim/" in m.body]

    return run


CSV = "organisation,type,country,name,email\nOdra Steel,large,PL,Andrzej Wozniak,andrzej@odra.example\n"


@pytest.mark.django_db
def test_imported_person_sets_a_password_and_claims_the_entry(client, staff_import):
    [invitation] = staff_import(CSV)
    assert invitation.subject == "Your Matchmaker account for Odra Steel"
    link = link_in(invitation, "/directory/claim/")
    response = client.get(link)
    assert response.context["form"].initial == {"name": "Andrzej Wozniak"}
    response = client.post(
        link, {"name": "Andrzej Woźniak", "password1": "n3w-Secret-pass", "password2": "x"}
    )
    assert response.context["form"].errors == {"password2": ["The two passwords differ."]}
    response = client.post(
        link,
        {"name": "Andrzej Woźniak", "password1": "n3w-Secret-pass", "password2": "n3w-Secret-pass"},
    )
    person = Person.objects.get(email="andrzej@odra.example")
    assert response["Location"] == person.organisation.get_absolute_url()
    user = User.objects.get(email="andrzej@odra.example")
    assert (person.user, user.name, user.is_active) == (user, "Andrzej Woźniak", True)
    assert user.check_password("n3w-Secret-pass")
    assert person.membership_confirmed_at is None
    client.logout()
    assert client.get(link).status_code == 400  # used


@pytest.mark.django_db
def test_invitation_for_an_existing_account_links_it_after_login(client, staff_import):
    user = UserFactory(email="andrzej@odra.example")
    [invitation] = staff_import(CSV)
    person = Person.objects.get(email="andrzej@odra.example")
    assert person.user is None  # the import did not link it
    link = link_in(invitation, "/directory/claim/")
    response = client.get(link)
    assert response["Location"] == f"/accounts/login/?next={quote(link)}"
    # a signed-in stranger cannot take it
    client.force_login(UserFactory())
    client.get(link)
    person.refresh_from_db()
    assert person.user is None
    client.logout()
    client.post(
        reverse("accounts:login"), {"username": user.email, "password": PASSWORD, "next": link}
    )
    client.get(link)
    person.refresh_from_db()
    assert person.user == user


@pytest.mark.django_db
def test_invitation_takes_over_an_unconfirmed_signup_for_the_address(client, staff_import):
    client.post(
        reverse("accounts:signup"),
        {
            "name": "Intruder",
            "email": "andrzej@odra.example",
            "language": "en",
            "time_zone": "UTC",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    [invitation] = staff_import(CSV)
    link = link_in(invitation, "/directory/claim/")
    client.post(
        link, {"name": "Andrzej", "password1": "0wner-pass-99", "password2": "0wner-pass-99"}
    )
    user = User.objects.get(email="andrzej@odra.example")
    assert (user.is_active, user.name, user.check_password(PASSWORD)) == (True, "Andrzej", False)
    assert Person.objects.get(email="andrzej@odra.example").user == user


@pytest.mark.django_db
def test_tampered_or_expired_invitations_do_nothing(client, staff_import, settings):
    [invitation] = staff_import(CSV)
    link = link_in(invitation, "/directory/claim/")
    assert client.get(link[:-4] + "zz1/").status_code == 400
    settings.MATCHMAKER_LINK_MAX_AGE = -1
    response = client.get(link)
    assert response.status_code == 400
    assert response.context["message"] == "This invitation has expired. Ask for a new one."


@pytest.mark.django_db
def test_reimporting_known_people_sends_no_new_invitation(client, staff_import):
    assert len(staff_import(CSV)) == 1
    assert len(staff_import(CSV)) == 1  # the same one; nothing new


# --- confirmed membership ------------------------------------------------------------------


@pytest.fixture
def acme(db):
    org = OrganisationFactory(name="Acme")
    member = UserFactory(email="member@acme.example")
    PersonFactory(organisation=org, user=member, email=member.email, confirmed=True)
    return org, member


@pytest.mark.django_db
def test_creating_an_organisation_confirms_its_creator(client):
    user = UserFactory()
    client.force_login(user)
    client.post(reverse("directory:mine"), {"name": "Kowal Tech", "type": "sme", "country": "PL"})
    org = Organisation.objects.get(name="Kowal Tech")
    assert Person.objects.get(user=user).membership_confirmed_at is not None
    assert client.get(reverse("directory:edit", args=[org.pk])).status_code == 200


@pytest.mark.django_db
def test_a_confirmed_member_invites_a_colleague(client, acme):
    org, member = acme
    colleague = UserFactory(email="colleague@acme.example")
    client.force_login(member)
    response = client.post(
        reverse("directory:invite", args=[org.pk]), {"email": "colleague@acme.example"}, follow=True
    )
    assert [str(m) for m in response.context["messages"]] == [
        "We have sent an invitation to that address."
    ]
    [message] = mail.outbox
    assert message.extra_headers["X-Matchmaker-Sensitive"] == "1"
    link = link_in(message, "/directory/join/")
    # only the owner of the invited address can use it
    client.force_login(UserFactory())
    client.get(link)
    assert org.people.count() == 1
    client.force_login(colleague)
    client.get(link)
    person = Person.objects.get(user=colleague)
    assert (person.organisation, person.membership_confirmed_at is not None) == (org, True)
    assert client.get(reverse("directory:edit", args=[org.pk])).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("who,status", [("anonymous", 302), ("listed", 403), ("stranger", 403)])
def test_only_confirmed_members_and_staff_invite_colleagues(client, acme, who, status):
    org, _member = acme
    listed = UserFactory()
    PersonFactory(organisation=org, user=listed)
    user = {"anonymous": None, "listed": listed, "stranger": UserFactory()}[who]
    if user:
        client.force_login(user)
    response = client.post(reverse("directory:invite", args=[org.pk]), {"email": "x@example.org"})
    assert response.status_code == status
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("decider", ["member", "staff"])
def test_asking_for_edit_rights_and_confirming(client, acme, decider):
    org, member = acme
    staff = UserFactory(is_staff=True, email="staff@example.org")
    asker = UserFactory(email="asker@acme.example", name="Asker")
    person = PersonFactory(organisation=org, user=asker, email=asker.email, name="Asker")
    client.force_login(asker)
    assert "Ask for edit rights" in client.get(org.get_absolute_url()).content.decode()
    client.post(reverse("directory:ask", args=[org.pk]))
    assert sorted(m.to[0] for m in mail.outbox) == [
        f"{member.name} <member@acme.example>",
        f"{staff.name} <staff@example.org>",
    ]
    assert mail.outbox[0].subject == "Acme: a request for edit rights"
    client.post(reverse("directory:ask", args=[org.pk]))  # asking again tells nobody again
    assert len(mail.outbox) == 2
    # the asker cannot confirm themselves
    assert client.get(reverse("directory:members", args=[org.pk])).status_code == 403
    confirm = reverse("directory:member_confirm", args=[org.pk, person.pk])
    assert client.post(confirm).status_code == 403
    client.force_login(member if decider == "member" else staff)
    response = client.get(reverse("directory:members", args=[org.pk]))
    assert [p.name for p in response.context["requests"]] == ["Asker"]
    client.post(confirm)
    person.refresh_from_db()
    assert person.membership_confirmed_at is not None
    client.force_login(asker)
    assert client.get(reverse("directory:edit", args=[org.pk])).status_code == 200


@pytest.mark.django_db
def test_nobody_can_confirm_a_person_who_did_not_ask(client, acme):
    org, member = acme
    person = PersonFactory(organisation=org, user=UserFactory())
    client.force_login(member)
    response = client.post(reverse("directory:member_confirm", args=[org.pk, person.pk]))
    assert response.status_code == 404
    person.refresh_from_db()
    assert person.membership_confirmed_at is None


# --- who sees people's email addresses -----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,sees",
    [
        ("anonymous", False),
        ("participant", True),  # takes part in the same event
        ("other_participant", False),
        ("organiser", True),  # organises an event the person takes part in
        ("other_organiser", False),
        ("staff", True),
        ("confirmed_member", True),
        ("listed_member", False),
    ],
)
def test_email_addresses_on_organisation_pages(client_for, roles, role, sees):
    from tests.factories import ParticipantFactory

    delegate = ParticipantFactory(
        event=roles.event, category=roles.event.categories.get(), person__email="d@x.example"
    ).person
    org = delegate.organisation
    PersonFactory(organisation=org, user=UserFactory(), confirmed=True, email="m@x.example")
    extra = {
        "confirmed_member": lambda: (
            PersonFactory(organisation=org, user=UserFactory(), confirmed=True).user
        ),
        "listed_member": lambda: PersonFactory(organisation=org, user=UserFactory()).user,
    }
    user = extra[role]() if role in extra else roles.user(role)
    page = client_for(user).get(org.get_absolute_url()).content.decode()
    assert ("d@x.example" in page) == sees
    # members' own addresses: only staff and confirmed members see all of them
    assert ("m@x.example" in page) == (role in ("staff", "confirmed_member"))


@pytest.mark.django_db
def test_a_pending_participant_shares_no_event_yet(client_for, roles):
    from tests.factories import ParticipantFactory

    delegate = ParticipantFactory(
        event=roles.event, category=roles.event.categories.get(), person__email="d@x.example"
    ).person
    roles.event.participants.filter(person__user=roles.participant).update(status="pending")
    page = client_for(roles.participant).get(delegate.organisation.get_absolute_url())
    assert "d@x.example" not in page.content.decode()


@pytest.mark.django_db
def test_import_preview_does_not_name_the_organisation_of_a_known_address(client_for, roles):
    PersonFactory(email="taken@example.org", organisation=OrganisationFactory(name="Secret Co"))
    client = client_for(roles.organiser)
    response = client.post(
        reverse("events:import", kwargs={"slug": roles.event.slug}),
        {
            "file": SimpleUploadedFile(
                "p.csv",
                b"organisation,type,country,name,email,category\n"
                b"Mine,sme,PL,Tom,taken@example.org,Delegate\n",
            ),
            "default_category": "",
        },
    )
    [row] = response.context["preview"].rows
    assert row.errors == {"email": "This email address cannot be imported with this organisation."}
    assert "Secret Co" not in response.content.decode()


@pytest.mark.django_db
def test_my_organisation_offers_the_entry_listed_under_my_address_by_email(client):
    user = UserFactory(email="jan@example.org")
    listed = PersonFactory(email="jan@example.org", organisation=OrganisationFactory(name="Odra"))
    client.force_login(user)
    response = client.get(reverse("directory:mine"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "You are listed in the directory already. We sent you a link by email (at most once an "
        "hour): follow it to attach that entry to your account."
    ]
    listed.refresh_from_db()
    assert listed.user is None
    client.get(link_in(mail.outbox[-1], "/directory/claim/"))
    listed.refresh_from_db()
    assert (listed.user, listed.membership_confirmed_at) == (user, None)
    assert (
        client.get(reverse("directory:mine"))["Location"] == listed.organisation.get_absolute_url()
    )
