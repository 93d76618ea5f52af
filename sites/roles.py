"""What each role's Django group may do in the admin; kept in step after every migrate."""

from typing import Any

from django.contrib.auth.models import Group, Permission

from sites.choices import Role

# Model permissions per role (app_label.codename); scoping still limits which rows.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.OPERATIONS: [
        f"sites.{verb}_{model}"
        for model in ("unit", "operation", "phase", "protectedsite", "sitecontact", "inspection",
                      "inspectionresult")
        for verb in ("view", "add", "change")
    ] + ["sites.view_agency", "sites.add_agency", "sites.change_agency", "sites.delete_phase",
         "sites.delete_sitecontact"],
}
STAFF_ROLES = {Role.OPERATIONS, Role.ADMINISTRATOR}


def sync_role_groups(**_kwargs: Any) -> None:
    for role in Role.values:
        group, _created = Group.objects.get_or_create(name=role)
        wanted = ROLE_PERMISSIONS.get(role)
        if wanted is None:
            continue
        perms = [
            perm
            for perm in Permission.objects.select_related("content_type").filter(content_type__app_label="sites")
            if f"{perm.content_type.app_label}.{perm.codename}" in wanted
        ]
        group.permissions.set(perms)
