from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from matchmaker.events.models import Participant, RegistrationQuestion
from tests.factories import CategoryFactory, EventFactory, PersonFactory, UserFactory


@pytest.fixture
def setup(db):
    event = EventFactory(requires_approval=True)
    category = CategoryFactory(event=event, name="Company")
    closed = CategoryFactory(event=event, name="Host", open_registration=False)
    question = RegistrationQuestion.objects.create(
        event=event, label="Which packages?", required=True
    )
    question.categories.set([category])
    user = UserFactory()
    PersonFactory(user=user, email=user.email)
    return event, category, closed, question, user


def url(event):
    return reverse("events:register", kwargs={"slug": event.slug})


def test_register_in_two_steps_then_wait_for_approval(client, setup):
    event, category, _closed, question, user = setup
    client.force_login(user)
    response = client.get(url(event), {"category": category.pk})
    assert list(response.context["answers"].fields) == [f"q{question.pk}"]
    response = client.post(url(event), {"category": category.pk, f"q{question.pk}": ""})
    assert response.context["answers"].errors == {f"q{question.pk}": ["This field is required."]}
    assert not Participant.objects.filter(event=event).exists()
    response = client.post(url(event), {"category": category.pk, f"q{question.pk}": "Vacuum"})
    participant = Participant.objects.get(event=event)
    assert (participant.status, participant.answers, participant.category) == (
        "pending",
        {str(question.pk): "Vacuum"},
        category,
    )
    # a second registration is refused
    response = client.post(
        url(event), {"category": category.pk, f"q{question.pk}": "Again"}, follow=True
    )
    assert Participant.objects.filter(event=event).count() == 1


def test_invitation_only_category_cannot_be_chosen(client, setup):
    event, _category, closed, _question, user = setup
    client.force_login(user)
    response = client.post(url(event), {"category": closed.pk})
    assert "category" in response.context["choice"].errors
    assert not Participant.objects.filter(event=event).exists()


def test_without_approval_registration_is_approved(client, setup):
    event, category, *_rest, user = setup
    event.requires_approval = False
    event.save()
    event.questions.all().delete()
    client.force_login(user)
    client.post(url(event), {"category": category.pk})
    assert Participant.objects.get(event=event).status == "approved"


def test_closed_registration(client, setup):
    event, category, *_rest, user = setup
    event.registration_closes = timezone.now() - dt.timedelta(days=1)
    event.save()
    client.force_login(user)
    response = client.post(url(event), {"category": category.pk, "q1": "x"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "Registration for this event is not open."
    ]
    assert not Participant.objects.exists()


def test_user_without_organisation_is_sent_to_create_one(client, setup):
    event, category, *_rest = setup
    client.force_login(UserFactory())
    response = client.get(url(event))
    assert response["Location"] == reverse("directory:mine")


def test_organiser_approves_with_htmx(client_for, roles):
    participant = roles.event.participants.get()
    participant.status = "pending"
    participant.save()
    client = client_for(roles.organiser)
    response = client.post(
        reverse(
            "events:participant_status", kwargs={"slug": roles.event.slug, "pk": participant.pk}
        ),
        {"status": "approved"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.templates[0].name == "events/includes/participant_row.html"
    participant.refresh_from_db()
    assert participant.status == "approved"


def test_unknown_status_is_400_and_changes_nothing(client_for, roles):
    participant = roles.event.participants.get()
    client = client_for(roles.organiser)
    response = client.post(
        reverse(
            "events:participant_status", kwargs={"slug": roles.event.slug, "pk": participant.pk}
        ),
        {"status": "vip"},
    )
    assert response.status_code == 400
    participant.refresh_from_db()
    assert participant.status == "approved"


@pytest.mark.parametrize("count", [1, 3])
def test_participant_list_queries_do_not_grow(client_for, roles, django_assert_num_queries, count):
    from tests.factories import ParticipantFactory

    roles.event.participants.all().delete()
    for _ in range(count):
        ParticipantFactory(event=roles.event)
    client = client_for(roles.organiser)
    url_ = reverse("events:participants", kwargs={"slug": roles.event.slug})
    client.get(url_)  # warm the session
    with django_assert_num_queries(7):
        response = client.get(url_)
    assert len(response.context["page"]) == count
