"""Server-side stashes of import previews: owner, scope, expiry, purge."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from matchmaker.core import stashes
from matchmaker.core.models import UploadStash
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_stash_is_found_only_by_its_owner_scope_and_token():
    owner, other = UserFactory(), UserFactory()
    token = stashes.create(owner, "directory-import", {"rows": [{"name": "Ann"}]})
    assert len(token) >= 40
    assert stashes.claim(owner, "directory-import", token).payload == {"rows": [{"name": "Ann"}]}
    assert stashes.claim(other, "directory-import", token) is None
    assert stashes.claim(owner, "participant-import:1", token) is None
    assert stashes.claim(owner, "directory-import", "forged") is None
    assert stashes.claim(owner, "directory-import", "") is None
    assert stashes.claim(owner, "directory-import", None) is None


def test_anonymous_users_have_no_stash():
    from django.contrib.auth.models import AnonymousUser

    assert stashes.claim(AnonymousUser(), "directory-import", "anything") is None


def test_a_stash_expires_after_the_configured_age(settings):
    settings.UPLOAD_STASH_MAX_AGE = 60
    owner = UserFactory()
    token = stashes.create(owner, "directory-import", {})
    stash = UploadStash.objects.get(token=token)
    assert stash.expires_at - stash.created_at == pytest.approx(
        timedelta(seconds=60), abs=timedelta(seconds=1)
    )
    UploadStash.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert stashes.claim(owner, "directory-import", token) is None


def test_a_new_stash_replaces_the_owners_previous_one_in_the_same_scope_only():
    owner, other = UserFactory(), UserFactory()
    first = stashes.create(owner, "directory-import", {"n": 1})
    elsewhere = stashes.create(owner, "participant-import:7", {"n": 2})
    others = stashes.create(other, "directory-import", {"n": 3})
    second = stashes.create(owner, "directory-import", {"n": 4})
    assert sorted(UploadStash.objects.values_list("token", flat=True)) == sorted(
        [elsewhere, others, second]
    )
    assert first != second


def test_making_a_stash_purges_expired_ones_of_everybody():
    old = stashes.create(UserFactory(), "directory-import", {})
    UploadStash.objects.filter(token=old).update(expires_at=timezone.now() - timedelta(minutes=1))
    new = stashes.create(UserFactory(), "directory-import", {})
    assert list(UploadStash.objects.values_list("token", flat=True)) == [new]


def test_purge_command_deletes_only_expired_stashes():
    kept = stashes.create(UserFactory(), "directory-import", {})
    gone = stashes.create(UserFactory(), "directory-import", {})
    UploadStash.objects.filter(token=gone).update(expires_at=timezone.now())
    out = io.StringIO()
    call_command("purge_stashes", stdout=out)
    assert out.getvalue() == "deleted 1\n"
    assert list(UploadStash.objects.values_list("token", flat=True)) == [kept]


def test_a_stash_goes_with_its_owner():
    owner = UserFactory()
    stashes.create(owner, "directory-import", {})
    owner.delete()
    assert UploadStash.objects.count() == 0
