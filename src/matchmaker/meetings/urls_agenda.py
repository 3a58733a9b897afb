"""Agenda, calendar and printable exports (participant agenda, ICS, feed, table plans)."""

from django.urls import path

from matchmaker.meetings import views_agenda

urlpatterns = [
    # participants
    path("agenda/", views_agenda.agenda, name="agenda"),
    path("agenda.pdf", views_agenda.agenda_pdf, name="agenda_pdf"),
    path("agenda.ics", views_agenda.agenda_ics, name="agenda_ics"),
    path("agenda/feed/rotate/", views_agenda.agenda_feed_rotate, name="agenda_feed_rotate"),
    # no login: the token is the permission
    path("calendar/<str:token>.ics", views_agenda.calendar_feed, name="calendar_feed"),
    # organisers
    path("manage/prints/table-plan/", views_agenda.table_plan, name="table_plan"),
    path("manage/prints/table-plan.pdf", views_agenda.table_plan_pdf, name="table_plan_pdf"),
    path("manage/prints/table-signs.pdf", views_agenda.table_signs_pdf, name="table_signs_pdf"),
    path("manage/prints/host-sheets.pdf", views_agenda.host_sheets_pdf, name="host_sheets_pdf"),
]
