from django.urls import path

from matchmaker.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("mine/", views.own_organisation, name="mine"),
    path("marketplace/", views.marketplace, name="marketplace"),
    path("import/", views.directory_import, name="import"),
    path("claim/<str:token>/", views.claim, name="claim"),
    path("join/<str:token>/", views.colleague_join, name="join"),
    path("<id:pk>/", views.organisation_detail, name="detail"),
    path("<id:pk>/invite/", views.colleague_invite, name="invite"),
    path("<id:pk>/ask/", views.ask_edit_rights, name="ask"),
    path("<id:pk>/members/", views.member_requests, name="members"),
    path("<id:pk>/members/<id:person_pk>/confirm/", views.member_confirm, name="member_confirm"),
    path("<id:pk>/edit/", views.organisation_edit, name="edit"),
    path("<id:pk>/items/new/", views.item_edit, name="item_new"),
    path("<id:pk>/items/<id:item_pk>/edit/", views.item_edit, name="item_edit"),
    path("<id:pk>/items/<id:item_pk>/delete/", views.item_delete, name="item_delete"),
]
