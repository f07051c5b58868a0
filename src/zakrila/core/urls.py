from django.urls import path

from zakrila.core import offline_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("outbox/", offline_views.outbox, name="outbox"),
    path("outbox/session/", offline_views.outbox_session, name="outbox_session"),
    path("offline/", offline_views.offline, name="offline"),
]
