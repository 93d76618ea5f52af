from django.urls import path

from sites.views import agencies, imports, operations, sites, units

app_name = "sites"
urlpatterns = [
    path("", sites.SiteListView.as_view(), name="list"),
    path("new/", sites.SiteCreateView.as_view(), name="create"),
    path("import/", imports.SiteImportView.as_view(), name="import"),
    path("import/template.csv", imports.import_template, name="import_template"),
    path("<int:pk>/", sites.SiteDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", sites.SiteUpdateView.as_view(), name="edit"),
    path("<int:pk>/delete/", sites.SiteDeleteView.as_view(), name="delete"),
    path("<int:pk>/inspect/", sites.InspectionCreateView.as_view(), name="inspect"),
    path("operations/", operations.OperationListView.as_view(), name="operations"),
    path("operations/new/", operations.OperationCreateView.as_view(), name="operation_create"),
    path("operations/<int:pk>/", operations.OperationDetailView.as_view(), name="operation"),
    path("operations/<int:pk>/edit/", operations.OperationUpdateView.as_view(), name="operation_edit"),
    path("operations/<int:pk>/phases/new/", operations.PhaseCreateView.as_view(), name="phase_create"),
    path("operations/<int:pk>/phases/<int:phase_pk>/edit/", operations.PhaseUpdateView.as_view(),
         name="phase_edit"),
    path("operations/<int:pk>/phases/<int:phase_pk>/delete/", operations.PhaseDeleteView.as_view(),
         name="phase_delete"),
    path("units/", units.UnitListView.as_view(), name="units"),
    path("units/new/", units.UnitCreateView.as_view(), name="unit_create"),
    path("units/<int:pk>/edit/", units.UnitUpdateView.as_view(), name="unit_edit"),
    path("agencies/", agencies.AgencyListView.as_view(), name="agencies"),
    path("agencies/new/", agencies.AgencyCreateView.as_view(), name="agency_create"),
    path("agencies/<int:pk>/edit/", agencies.AgencyUpdateView.as_view(), name="agency_edit"),
]
