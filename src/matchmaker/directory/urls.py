from django.urls import path

from matchmaker.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("mine/", views.own_organisation, name="mine"),
    path("marketplace/", views.marketplace, name="marketplace"),
    path("import/", views.directory_import, name="import"),
    path("<id:pk>/", views.organisation_detail, name="detail"),
    path("<id:pk>/edit/", views.organisation_edit, name="edit"),
    path("<id:pk>/items/new/", views.item_edit, name="item_new"),
    path("<id:pk>/items/<id:item_pk>/edit/", views.item_edit, name="item_edit"),
    path("<id:pk>/items/<id:item_pk>/delete/", views.item_delete, name="item_delete"),
]
