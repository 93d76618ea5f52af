from django.urls import path
from rest_framework.routers import DefaultRouter

from sites.api import imports, views

router = DefaultRouter()
router.register("units", views.UnitViewSet)
router.register("agencies", views.AgencyViewSet)
router.register("operations", views.OperationViewSet)
router.register("phases", views.PhaseViewSet)
router.register("sites", views.ProtectedSiteViewSet)

# Before the router, whose "sites/<pk>/" would otherwise claim "sites/import/".
urlpatterns = [
    path("sites/import/", imports.SiteImportView.as_view(), name="site-import"),
    *router.urls,
]
