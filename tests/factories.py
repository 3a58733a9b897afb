"""factory-boy factories for the web app's models."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.utils import timezone

from matchmaker.directory.models import MarketplaceItem, Organisation, Person
from matchmaker.events.models import (
    Event,
    Participant,
    ParticipantCategory,
    ProgrammeItem,
    TeamMember,
)

PASSWORD = "a-Long-test-passw0rd"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    name = factory.Sequence(lambda n: f"User {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def allow_event_creation(user):
    """Give a user the permission staff grant in the admin to create events."""
    user.user_permissions.add(Permission.objects.get_by_natural_key("add_event", "events", "event"))
    return user


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = Organisation.Type.SME
    country = "PL"
    description = "Makes things."


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    email = factory.Sequence(lambda n: f"person{n}@example.org")

    class Params:
        # a member who may edit the organisation (created it, was invited or confirmed)
        confirmed = factory.Trait(membership_confirmed_at=factory.LazyFunction(timezone.now))


class MarketplaceItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MarketplaceItem

    organisation = factory.SubFactory(OrganisationFactory)
    direction = MarketplaceItem.Direction.OFFER
    kind = MarketplaceItem.Kind.PRODUCT
    title = factory.Sequence(lambda n: f"Item {n}")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Event {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    kind = Event.Kind.BROKERAGE
    start_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))
    end_date = factory.LazyAttribute(lambda o: o.start_date + dt.timedelta(days=1))
    time_zone = "Europe/Paris"
    is_published = True
    requires_approval = False


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    event = factory.SubFactory(EventFactory)
    user = factory.SubFactory(UserFactory)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipantCategory

    event = factory.SubFactory(EventFactory)
    name = factory.Sequence(lambda n: f"Category {n}")


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    category = factory.SubFactory(CategoryFactory, event=factory.SelfAttribute("..event"))
    status = Participant.Status.APPROVED


class ProgrammeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeItem

    event = factory.SubFactory(EventFactory)
    kind = ProgrammeItem.Kind.PRESENTATION
    title = factory.Sequence(lambda n: f"Talk {n}")
    starts_at = factory.LazyAttribute(
        lambda o: dt.datetime.combine(o.event.start_date, dt.time(9, 0), tzinfo=o.event.tz)
    )
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=1))
