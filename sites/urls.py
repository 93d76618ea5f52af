from django.urls import path

from sites.views import pages

app_name = "sites"
urlpatterns = [
    path("", pages.SiteListView.as_view(), name="list"),
    path("operations/", pages.OperationListView.as_view(), name="operations"),
    path("units/", pages.UnitListView.as_view(), name="units"),
]
