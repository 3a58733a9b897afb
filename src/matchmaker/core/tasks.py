"""Background tasks of the core layer: thin wrappers that take ids and call a service."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_email(message_id: int) -> str:
    """Send one outbox message (see core/mail.py); a failure schedules its own retry."""
    from matchmaker.core.mail import deliver

    return deliver(message_id)
