"""The roster pages (included at /rosters/ by the project's URLs)."""

from django.urls import path

from patrols.views import exports, imports, officer, personnel, plans, requirements

app_name = "patrols"
urlpatterns = [
    path("", plans.PlannerView.as_view(), name="planner"),
    path("plans/<int:pk>/", plans.PlanDetailView.as_view(), name="plan"),
    path("plans/<int:pk>/progress/", plans.plan_progress, name="plan_progress"),
    path("plans/<int:pk>/cancel/", plans.plan_cancel, name="plan_cancel"),
    path("plans/<int:pk>/publish/", plans.plan_publish, name="plan_publish"),
    path("plans/<int:pk>/replan/", plans.plan_replan, name="plan_replan"),
    path("plans/<int:pk>/shift/", plans.plan_shift, name="plan_shift"),
    path("plans/<int:pk>/people/<int:person_pk>/", plans.plan_person, name="plan_person"),
    path("plans/<int:pk>/print/", exports.plan_print, name="plan_print"),
    path("plans/<int:pk>/export.csv", exports.plan_csv, name="plan_csv"),
    path("assignments/<int:pk>/check/", plans.assignment_check, name="assignment_check"),
    path("assignments/<int:pk>/edit/", plans.assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/lock/", plans.assignment_lock, name="assignment_lock"),
    path("personnel/", personnel.PersonnelListView.as_view(), name="personnel"),
    path("personnel/new/", personnel.PersonnelCreateView.as_view(), name="person_create"),
    path("personnel/import/", imports.PersonnelImportView.as_view(), name="personnel_import"),
    path("personnel/import/template.csv", imports.import_template, name="personnel_import_template"),
    path("personnel/<int:pk>/", personnel.PersonnelDetailView.as_view(), name="person"),
    path("personnel/<int:pk>/edit/", personnel.PersonnelUpdateView.as_view(), name="person_edit"),
    path("personnel/<int:pk>/unavailable/", personnel.AvailabilityCreateView.as_view(), name="availability_create"),
    path("personnel/<int:pk>/unavailable/<int:availability_pk>/delete/", personnel.AvailabilityDeleteView.as_view(),
         name="availability_delete"),
    path("requirements/", requirements.RequirementListView.as_view(), name="requirements"),
    path("requirements/new/", requirements.RequirementCreateView.as_view(), name="requirement_create"),
    path("requirements/<int:pk>/edit/", requirements.RequirementUpdateView.as_view(), name="requirement_edit"),
    path("requirements/<int:pk>/delete/", requirements.RequirementDeleteView.as_view(), name="requirement_delete"),
    path("me/", officer.my_shifts, name="my_shifts"),
    path("me/calendar/", officer.my_calendar, name="my_calendar"),
    path("me/calendar/rotate/", officer.rotate_calendar, name="rotate_calendar"),
    path("me/shifts/<int:pk>/check-in/", officer.check_in_page, name="check_in"),
    path("me/shifts/<int:pk>/check-in/submit/", officer.check_in_submit, name="check_in_submit"),
    path("calendar/<str:token>.ics", officer.calendar_feed, name="calendar_feed"),
]
