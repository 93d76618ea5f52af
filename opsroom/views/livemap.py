"""The commander map: every site the user may see, kept current by the live socket."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from opsroom.live.publish import latest_seq
from sites.choices import Priority, SiteKind

SITE_ID_PLACEHOLDER = 999999999


@login_required
def live_map(request: HttpRequest) -> HttpResponse:
    config = {
        # Read before the browser asks for the sites, so no change falls between the two.
        "cursor": latest_seq(),
        "geojsonUrl": reverse("protectedsite-geojson"),
        "eventsUrl": reverse("live-events"),
        "socketPath": "/ws/live/",
        "siteUrl": reverse("sites:detail", kwargs={"pk": SITE_ID_PLACEHOLDER}).replace(
            str(SITE_ID_PLACEHOLDER), "{id}"
        ),
        "priorityLabels": {str(value): str(label) for value, label in Priority.choices},
        # Events carry codes, not labels: each browser shows them in its user's language.
        "kindLabels": {str(value): str(label) for value, label in SiteKind.choices},
    }
    return render(request, "opsroom/map.html", {"live_config": config})
