from django.urls import path

from opsroom.live.api import LiveEventsView

urlpatterns = [
    path("events/", LiveEventsView.as_view(), name="live-events"),
]
