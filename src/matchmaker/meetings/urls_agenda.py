"""Agenda, calendar and printable exports (participant agenda, ICS, feed, table plans)."""

urlpatterns: list = []
