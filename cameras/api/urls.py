"""Camera API: the registry (cameras.api.registry) and grants and the access log (cameras.api.access)."""

from cameras.api import access, registry

urlpatterns = registry.urlpatterns + access.urlpatterns
