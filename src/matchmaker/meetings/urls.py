from django.urls import include, path

from matchmaker.meetings import views, views_organiser, views_outbox

app_name = "meetings"

urlpatterns = [
    # participants
    path("", views.partners, name="partners"),
    path("request/<id:pk>/", views.request_meeting, name="request"),
    path("requests/", views.my_requests, name="requests"),
    path("requests/<id:pk>/accept/", views.accept, name="accept"),
    path("requests/<id:pk>/decline/", views.decline, name="decline"),
    path("requests/<id:pk>/cancel/", views.cancel_request, name="cancel_request"),
    path("meetings/<id:pk>/cancel/", views.cancel_meeting, name="cancel_meeting"),
    path("availability/", views.availability, name="availability"),
    path("suggestions/<id:pk>/", views.recommendation_choice, name="recommendation_choice"),
    # organisers
    path("manage/", views_organiser.overview, name="manage"),
    path("manage/settings/", views_organiser.edit_settings, name="settings"),
    path("manage/sessions/new/", views_organiser.session_edit, name="session_new"),
    path("manage/sessions/<id:pk>/", views_organiser.session_edit, name="session_edit"),
    path("manage/sessions/<id:pk>/delete/", views_organiser.session_delete, name="session_delete"),
    path("manage/tables/", views_organiser.tables, name="tables"),
    path("manage/pairs/", views_organiser.pairs, name="pairs"),
    path("manage/rules/", views_organiser.rules, name="rules"),
    path("manage/rules/<id:pk>/delete/", views_organiser.rule_delete, name="rule_delete"),
    path("manage/meetings/", views_organiser.meeting_list, name="meetings"),
    path("manage/meetings/<id:pk>/move/", views_organiser.move, name="move"),
    path(
        "manage/meetings/<id:pk>/cancel/",
        views_organiser.organiser_cancel,
        name="organiser_cancel",
    ),
    path("manage/swap/", views_organiser.swap, name="swap"),
    path("manage/grid/", views_organiser.grid, name="grid"),
    path("manage/grid/move/", views_organiser.grid_move, name="grid_move"),
    path("manage/runs/", views_organiser.run_start, name="run_start"),
    path("manage/runs/<id:pk>/", views_organiser.run_detail, name="run"),
    path("manage/runs/<id:pk>/progress/", views_organiser.run_progress, name="run_progress"),
    path("manage/runs/<id:pk>/publish/", views_organiser.run_publish, name="run_publish"),
    path("manage/checkin/", views_organiser.checkin, name="checkin"),
    path("manage/checkin/<id:pk>/", views_organiser.checkin_toggle, name="checkin_toggle"),
    path(
        "manage/meetings/<id:pk>/noshow/<id:participant_pk>/",
        views_organiser.no_show,
        name="no_show",
    ),
    path("manage/outbox/", views_outbox.outbox, name="outbox"),
    path("", include("matchmaker.meetings.urls_agenda")),
]
