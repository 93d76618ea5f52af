"""Routes of the patrols API (the project includes them under ``api/patrols/``)."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from patrols.api import views

router = DefaultRouter()
router.register("personnel", views.PersonnelViewSet)
router.register("availability", views.AvailabilityViewSet)
router.register("reinforcements", views.ReinforcementViewSet)
router.register("requirements", views.RequirementViewSet)
router.register("plans", views.PlanViewSet)
router.register("assignments", views.AssignmentViewSet)
router.register("my-shifts", views.MyShiftViewSet, basename="my-shift")
router.register("no-shows", views.NoShowViewSet)

# Before the router, whose "personnel/<pk>/" would otherwise claim "personnel/import/".
urlpatterns = [
    path("personnel/import/", views.PersonnelImportView.as_view(), name="personnel-import"),
    *router.urls,
]
