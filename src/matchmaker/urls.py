from django.contrib import admin
from django.urls import include, path

from matchmaker.events.views import home

urlpatterns = [
    path("", home, name="home"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("matchmaker.accounts.urls")),
    path("directory/", include("matchmaker.directory.urls")),
    path("events/", include("matchmaker.events.urls")),
    path("events/<slug:slug>/b2b/", include("matchmaker.meetings.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "matchmaker.core.views.bad_request"
handler403 = "matchmaker.core.views.permission_denied"
handler404 = "matchmaker.core.views.page_not_found"
handler500 = "matchmaker.core.views.server_error"
