"""Top-level routes: pages, API, schema and docs, admin, health."""

from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from opsroom.admin_modules import register_all
from opsroom.views import health

register_all()

urlpatterns = [
    path("", include("opsroom.views.urls")),
    path("sites/", include("sites.urls")),
    path("cameras/", include("cameras.urls")),
    path("rosters/", include("patrols.urls")),
    path("api/live/", include("opsroom.live.urls")),
    path("api/cameras/", include("cameras.api.urls")),
    path("api/patrols/", include("patrols.api.urls")),
    path("api/", include("sites.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("healthz", health.healthz, name="healthz"),
]
