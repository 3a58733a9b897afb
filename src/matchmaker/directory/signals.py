"""Link a new account to the directory entry an organiser already made for the same email."""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver

from matchmaker.directory.models import Person


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="directory_link_person")
def link_person_to_new_user(sender, instance, created: bool, raw: bool = False, **kwargs) -> None:
    if not created or raw or not instance.email:
        return
    Person.objects.filter(email__iexact=instance.email, user__isnull=True).update(user=instance)
