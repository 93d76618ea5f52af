from rest_framework.routers import DefaultRouter

from sites.api import views

router = DefaultRouter()
router.register("units", views.UnitViewSet)
router.register("agencies", views.AgencyViewSet)
router.register("operations", views.OperationViewSet)
router.register("phases", views.PhaseViewSet)
router.register("sites", views.ProtectedSiteViewSet)

urlpatterns = router.urls
