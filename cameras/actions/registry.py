"""Registering, editing, masking, disabling and deleting cameras: checked, then done in a transaction.

Pages, the API, the import and the demo call these functions, so the editing rule, the URL and
mask checks and the announcement happen once. Credentials go in sealed (cameras.secrets) and
never come back out of here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from cameras import events, secrets
from cameras.actions.grants import announce_grants_covering
from cameras.choices import SourceKind
from cameras.masks import MaskError, validate_masks
from cameras.models import Camera
from cameras.models.registry import validate_poll_queue
from cameras.polling.fetch import validate_source_url
from sites.actions import check_editor
from sites.choices import Role
from sites.models import ProtectedSite, Scope, Unit

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    # A request's user, or None for the system (demo data, an import run by an operator).
    Actor = User | AnonymousUser | None

# Long enough for a sentence or two; the audit record is read in a list.
MAX_PRIVATE_AREA_REASON = 500

CAMERA_FIELDS = {"name", "unit", "site", "agency", "source_kind", "url", "poll_interval_s", "covers",
                 "private_area", "enabled", "latitude", "longitude", "poll_queue"}


# Who may change what ------------------------------------------------------------------------------

def check_camera_editor(actor: User | AnonymousUser, camera: Camera) -> None:
    """Operations staff and administrators of the camera's unit (or a unit above it)."""
    check_editor(actor, camera.unit)


def is_owner_liaison(actor: User | AnonymousUser, camera: Camera) -> bool:
    scope = Scope.of(actor)
    return scope.role == Role.LIAISON and camera.agency_id is not None and scope.agency_id == camera.agency_id


def check_privacy_editor(actor: User | AnonymousUser, camera: Camera) -> None:
    """Privacy masks: the unit's editors, and the owning agency's liaison too."""
    if is_owner_liaison(actor, camera):
        return
    check_camera_editor(actor, camera)


def may_edit_camera(actor: User | AnonymousUser, camera: Camera) -> bool:
    try:
        check_camera_editor(actor, camera)
    except PermissionDenied:
        return False
    return True


def may_edit_privacy(actor: User | AnonymousUser, camera: Camera) -> bool:
    try:
        check_privacy_editor(actor, camera)
    except PermissionDenied:
        return False
    return True


# Field checks ------------------------------------------------------------------------------------

def clean_camera_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Normalise and check camera fields; raise ValidationError naming every bad field.

    Checks what the model cannot: the URL for its source kind (no credentials in it, allowed
    schemes only), and that the site lies in the camera's unit or a unit below it. The polling
    network's name (it becomes a queue name) is checked here too, so an import row names it.
    """
    errors: dict[str, str] = {}
    cleaned = dict(fields)
    kind = cleaned.get("source_kind")
    if kind not in SourceKind.values:
        errors["source_kind"] = _("Unknown source “%(kind)s”; choose one of: %(choices)s.") % {
            "kind": kind, "choices": ", ".join(SourceKind.values)}
    elif "url" in cleaned:
        try:
            cleaned["url"] = validate_source_url(kind, str(cleaned["url"]).strip())
        except ValueError as exc:
            errors["url"] = str(exc)
    for name in ("latitude", "longitude"):
        value = cleaned.get(name)
        if value in (None, ""):
            cleaned[name] = None
            continue
        try:
            cleaned[name] = Decimal(str(value)).quantize(Decimal("0.000001"))
        except (InvalidOperation, ValueError):
            errors[name] = _("Enter a number.")
    if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None) and not errors.keys() & {
            "latitude", "longitude"}:
        errors["longitude" if cleaned.get("longitude") is None else "latitude"] = _(
            "Give both latitude and longitude, or neither.")
    if "poll_queue" in cleaned:
        cleaned["poll_queue"] = str(cleaned["poll_queue"] or "").strip()
        if cleaned["poll_queue"]:
            try:
                validate_poll_queue(cleaned["poll_queue"])
            except ValidationError:
                errors["poll_queue"] = _("“%(value)s” cannot name a polling network: use 1 to 40 lowercase "
                                         "letters, digits and hyphens, e.g. blitar-lan.") % {
                    "value": cleaned["poll_queue"]}
    unit, site = cleaned.get("unit"), cleaned.get("site")
    if isinstance(unit, Unit) and isinstance(site, ProtectedSite) and not site.unit.path.startswith(unit.path):
        errors["site"] = _("“%(site)s” belongs to %(other)s, not to %(unit)s or a unit below it.") % {
            "site": site.name, "other": site.unit.name, "unit": unit.name}
    if errors:
        raise ValidationError(errors)
    return cleaned


def _validate_row(camera: Camera) -> None:
    errors: dict[str, list[str]] = {}
    try:
        camera.full_clean(exclude=["masks"], validate_constraints=False)
    except ValidationError as exc:
        errors = exc.message_dict
    taken = Camera.objects.filter(unit_id=camera.unit_id, name=camera.name).exclude(pk=camera.pk)
    if camera.name and camera.unit_id and taken.exists():
        errors.setdefault("name", []).append(_("%(unit)s already has a camera named “%(name)s”.") % {
            "unit": camera.unit.name, "name": camera.name})
    if errors:
        raise ValidationError(errors)


def new_credentials(username: str | None, password: str | None) -> secrets.Credentials | None:
    """Credentials typed into a form or an API call; None when nothing was typed (keep what is stored)."""
    if not username and not password:
        return None
    return secrets.Credentials(username=username or "", password=password or "")


# Changes -----------------------------------------------------------------------------------------

@transaction.atomic
def do_register_camera(actor: Actor, *, credentials: secrets.Credentials | None = None,
                       **fields: Any) -> Camera:
    unknown = set(fields) - CAMERA_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    unit = fields.get("unit")
    if actor is not None:
        check_editor(actor, unit)
        site = fields.get("site")
        if site is not None:
            check_editor(actor, site.unit)
    camera = Camera(**clean_camera_fields(fields))
    camera.credentials = secrets.seal(credentials)
    _validate_row(camera)
    try:
        with transaction.atomic():
            camera.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("A camera with this name was stored meanwhile.")}) from exc
    events.camera_changed(camera)
    return camera


@transaction.atomic
def do_update_camera(actor: Actor, camera: Camera, *, credentials: secrets.Credentials | None = None,
                     clear_credentials: bool = False, **changes: Any) -> Camera:
    """Change a camera. Stored credentials stay unless new ones are given or ``clear_credentials``."""
    unknown = set(changes) - CAMERA_FIELDS
    if unknown:
        raise ValidationError({name: _("Unknown field.") for name in unknown})
    camera = (Camera.objects.select_for_update(of=("self",)).select_related("unit", "site__unit", "agency")
              .get(pk=camera.pk))
    if actor is not None:
        check_camera_editor(actor, camera)
        if "unit" in changes:
            check_editor(actor, changes["unit"])
        if changes.get("site") is not None:
            check_editor(actor, changes["site"].unit)
    merged = {name: getattr(camera, name) for name in CAMERA_FIELDS}
    was_private = camera.private_area
    merged.update(changes)
    for name, value in clean_camera_fields(merged).items():
        setattr(camera, name, value)
    if clear_credentials:
        camera.credentials = ""
    elif credentials is not None:
        camera.credentials = secrets.seal(credentials)
    _validate_row(camera)
    try:
        with transaction.atomic():
            camera.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("A camera with this name was stored meanwhile.")}) from exc
    events.camera_changed(camera)
    if camera.private_area != was_private:
        _log_private_area(actor, camera, "")  # as do_set_private_area: logged, and open pages follow at once
        announce_grants_covering(camera)
    return camera


@transaction.atomic
def do_set_masks(actor: Actor, camera: Camera, masks: Any) -> Camera:
    """Replace the camera's privacy masks; a bad polygon stores nothing and says which and why."""
    camera = _locked(camera)
    if actor is not None:
        check_privacy_editor(actor, camera)
    try:
        camera.masks = validate_masks(masks)
    except MaskError as exc:
        raise ValidationError({"masks": _translate_mask_error(exc)}) from exc
    camera.save(update_fields=["masks", "updated_at"])
    events.camera_changed(camera)
    return camera


def _locked(camera: Camera) -> Camera:
    """The camera's row, read again under a lock for the rest of the transaction."""
    return Camera.objects.select_for_update(of=("self",)).select_related("unit").get(pk=camera.pk)


def _translate_mask_error(exc: MaskError) -> str:
    # The pure module speaks English; the person reading it may not.
    return _("Invalid mask: %(reason)s") % {"reason": str(exc)}


@transaction.atomic
def do_set_private_area(actor: Actor, camera: Camera, private: bool, reason: str = "") -> Camera:
    """Declare whether the camera looks into a private area: the unit's editors, and the owning agency's liaison.

    A private camera is refused by the viewing gate and left out of every grantee's listing. The grants
    that include it keep it in their record of what was approved; their units hear ``grant.changed``
    so open pages drop it (or, when cleared, show it again) at once. Who changed it, when and why is
    written to the admin's change log, next to the camera's other edits.
    """
    if not isinstance(private, bool):
        raise ValidationError({"private_area": _("Give true or false.")})
    reason = reason.strip()
    if len(reason) > MAX_PRIVATE_AREA_REASON:
        raise ValidationError({"reason": _("Keep the reason to %(count)d characters or fewer.")
                               % {"count": MAX_PRIVATE_AREA_REASON}})
    camera = _locked(camera)
    if actor is not None:
        check_privacy_editor(actor, camera)
    if camera.private_area == private:
        return camera
    camera.private_area = private
    camera.save(update_fields=["private_area", "updated_at"])
    _log_private_area(actor, camera, reason)
    events.camera_changed(camera)
    announce_grants_covering(camera)
    return camera


def _log_private_area(actor: Actor, camera: Camera, reason: str) -> None:
    """Who changed the private-area mark, when and why, in the admin's change log of the camera."""
    if actor is None or not actor.is_authenticated:
        return
    # Stored in English, like the rest of the audit data; the admin shows it on the camera's history.
    change = ("Marked as looking into a private area." if camera.private_area
              else "Marked as not looking into a private area.")
    LogEntry.objects.log_actions(actor.pk, [camera], CHANGE, f"{change} Reason: {reason}" if reason else change,
                                 single_object=True)


@transaction.atomic
def do_set_enabled(actor: Actor, camera: Camera, enabled: bool) -> Camera:
    """Stop (or resume) polling a camera; it stays in the registry with its history and snapshots."""
    camera = _locked(camera)
    if actor is not None:
        check_camera_editor(actor, camera)
    camera.enabled = enabled
    camera.save(update_fields=["enabled", "updated_at"])
    events.camera_changed(camera)
    return camera


@transaction.atomic
def do_delete_camera(actor: Actor, camera: Camera) -> None:
    """Remove a camera that has no stored snapshots (evidence is never deleted with its camera)."""
    camera = _locked(camera)
    if actor is not None:
        check_camera_editor(actor, camera)
    payload = events.camera_payload(camera)
    try:
        with transaction.atomic():
            camera.delete()
    except ProtectedError as exc:
        raise ValidationError(
            _("“%(name)s” has stored snapshots, which are kept as evidence; disable the camera instead.")
            % {"name": camera.name}
        ) from exc
    events.camera_deleted(payload, camera.unit.path, camera.agency_id)


@dataclass(frozen=True)
class ResealReport:
    resealed: int
    current: int  # already sealed with the newest key
    unreadable: list[int]  # camera ids whose credentials no configured key opens


def do_reseal_credentials(*, dry_run: bool = False) -> ResealReport:
    """Seal every stored credential again with the newest key (after a key rotation), so that the
    old keys can then be dropped. Each row is written only if it still holds the token read: a
    credential entered again meanwhile is already sealed with the newest key."""
    resealed, current, unreadable = 0, 0, []
    rows = Camera.objects.exclude(credentials="").order_by("pk").values_list("pk", "credentials")
    for pk, token in rows.iterator(chunk_size=500):
        try:
            fresh = secrets.reseal(token)
        except secrets.CredentialsUnreadable:
            unreadable.append(pk)
            continue
        if fresh is None:
            current += 1
        elif dry_run or Camera.objects.filter(pk=pk, credentials=token).update(credentials=fresh):
            resealed += 1
        else:
            current += 1
    return ResealReport(resealed, current, unreadable)
