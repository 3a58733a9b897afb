from django.urls import path

from matchmaker.events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list, name="list"),
    path("mine/", views.my_events, name="mine"),
    path("new/", views.event_create, name="create"),
    path("<slug:slug>/", views.event_detail, name="detail"),
    path("<slug:slug>/register/", views.register, name="register"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/manage/edit/", views.event_edit, name="edit"),
    path("<slug:slug>/manage/categories/new/", views.category_edit, name="category_new"),
    path("<slug:slug>/manage/categories/<id:pk>/", views.category_edit, name="category_edit"),
    path("<slug:slug>/manage/questions/new/", views.question_edit, name="question_new"),
    path("<slug:slug>/manage/questions/<id:pk>/", views.question_edit, name="question_edit"),
    path("<slug:slug>/manage/venues/new/", views.venue_edit, name="venue_new"),
    path("<slug:slug>/manage/venues/<id:pk>/", views.venue_edit, name="venue_edit"),
    path("<slug:slug>/manage/programme/new/", views.programme_edit, name="programme_new"),
    path("<slug:slug>/manage/programme/<id:pk>/", views.programme_edit, name="programme_edit"),
    path("<slug:slug>/manage/<str:kind>/<id:pk>/delete/", views.delete_child, name="delete"),
    path("<slug:slug>/manage/team/", views.team_add, name="team_add"),
    path("<slug:slug>/team/join/<str:token>/", views.team_join, name="team_join"),
    path("<slug:slug>/manage/participants/", views.participant_list, name="participants"),
    path(
        "<slug:slug>/manage/participants/<id:pk>/status/",
        views.participant_status,
        name="participant_status",
    ),
    path("<slug:slug>/manage/import/", views.participant_import, name="import"),
]
