"""Camera pages: the registry (cameras.views.registry_urls) and viewing, grants and the log (access_urls)."""

from django.urls import include, path

app_name = "cameras"

urlpatterns = [
    path("", include("cameras.views.registry_urls")),
    path("", include("cameras.views.access_urls")),
]
