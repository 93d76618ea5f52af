"""The owning agency's liaison declares which of its cameras look into a private area (page and API): who may,
bad input, the audit record, and what it does to an active grant (the gate refuses, listings drop it, the
grantee's pages hear grant.changed at once, over the catch-up endpoint and the real socket)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from websockets.sync.client import ClientConnection

from cameras import choices
from cameras.actions import registry as actions
from cameras.actions.viewing import REASON_PRIVATE
from cameras.models import AccessGrant, AccessLogEntry, Camera
from opsroom.models import LiveEvent
from sites import actions as actions_sites
from sites.choices import Role
from sites.events import DomainEvent, domain_event
from tests.cameras.access_support import approved_grant, make_camera
from tests.factories import AgencyFactory, UserFactory
from tests.live_servers import LiveServer, connect_socket, session_cookie

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/cam/x/snapshot.jpg"  # never fetched here
RECEIVE_TIMEOUT_S = 10


@pytest.fixture
def camera(world: Any) -> Camera:
    return make_camera(world, "KPU Gudang Logistik", URL)


@pytest.fixture
def other_liaison(world: Any) -> Client:
    bawaslu = AgencyFactory(name="Bawaslu Kota Blitar")
    user = UserFactory(username="liaison_bawaslu", membership={"role": Role.LIAISON, "agency": bawaslu})
    client = Client()
    client.force_login(user)
    return client


def page_post(client: Client, camera: Camera, private: bool, reason: str = "") -> Any:
    data = {"reason": reason} | ({"private_area": "on"} if private else {})
    return client.post(reverse("cameras:private_area", args=[camera.pk]), data)


def api_post(client: Client, camera: Camera, body: Any) -> Any:
    return client.post(f"/api/cameras/{camera.pk}/private-area/", json.dumps(body), content_type="application/json")


def audit(camera: Camera) -> list[LogEntry]:
    return list(LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Camera),
                                        object_id=str(camera.pk)).order_by("pk"))


def stored(camera: Camera) -> bool:
    return Camera.objects.get(pk=camera.pk).private_area


def receive(socket: ClientConnection) -> dict[str, Any]:
    return json.loads(socket.recv(timeout=RECEIVE_TIMEOUT_S))  # type: ignore[no-any-return]


# Who may, through the page and the API ---------------------------------------------------------------

def test_the_owning_liaison_sets_and_clears_it_on_the_privacy_page(world: Any, camera: Camera) -> None:
    client = world.client("liaison")
    page = client.get(reverse("cameras:masks", args=[camera.pk]))
    assert page.status_code == 200
    content = page.content.decode()
    assert reverse("cameras:private_area", args=[camera.pk]) in content
    assert "Looks into a private area" in content and "can never be granted" in content
    assert 'name="private_area" id="id_private_area">' in content  # not ticked yet

    response = page_post(client, camera, True, reason="  Menghadap ruang rapat pleno  ")
    assert response.status_code == 302 and response["Location"] == reverse("cameras:masks", args=[camera.pk])
    assert stored(camera)
    after = client.get(response["Location"]).content.decode()
    assert "is marked as looking into a private area" in after
    assert 'id="id_private_area" checked>' in after
    [entry] = audit(camera)
    assert (entry.user, entry.action_flag) == (world.users["liaison"], CHANGE)
    assert entry.change_message == "Marked as looking into a private area. Reason: Menghadap ruang rapat pleno"

    response = page_post(client, camera, False)
    assert response.status_code == 302 and not stored(camera)
    assert "is no longer marked" in client.get(response["Location"]).content.decode()
    assert audit(camera)[-1].change_message == "Marked as not looking into a private area."


def test_the_owning_liaison_sets_and_clears_it_through_the_api(world: Any, camera: Camera) -> None:
    client = world.client("liaison")
    response = api_post(client, camera, {"private_area": True, "reason": "Ruang ganti"})
    assert response.status_code == 200 and response.json() == {"private_area": True}
    assert stored(camera)
    response = api_post(client, camera, {"private_area": False})
    assert response.status_code == 200 and response.json() == {"private_area": False}
    assert not stored(camera)
    assert [e.user for e in audit(camera)] == [world.users["liaison"]] * 2


def test_the_units_editors_may_too(world: Any, camera: Camera) -> None:
    assert api_post(world.client("ops_a"), camera, {"private_area": True}).status_code == 200
    assert page_post(world.client("admin"), camera, False).status_code == 302
    assert not stored(camera) and len(audit(camera)) == 2


def test_another_agencys_liaison_and_others_change_nothing(world: Any, camera: Camera, other_liaison: Client) -> None:
    # Another agency's liaison does not know of the camera at all: the same 404 as a missing one.
    assert page_post(other_liaison, camera, True).status_code == 404
    assert api_post(other_liaison, camera, {"private_area": True}).status_code == 404
    assert other_liaison.get(reverse("cameras:masks", args=[camera.pk])).status_code == 404
    assert page_post(world.client("ops_b"), camera, True).status_code == 404
    assert api_post(world.client("ops_b"), camera, {"private_area": True}).status_code == 404
    # An officer of the camera's unit sees it but may not change its privacy.
    assert page_post(world.client("officer_a"), camera, True).status_code == 403
    denied = api_post(world.client("officer_a"), camera, {"private_area": True})
    assert denied.status_code == 403 and denied.json()["detail"]
    assert Client().post(reverse("cameras:private_area", args=[camera.pk]), {"private_area": "on"}).status_code == 302
    assert Client().post(f"/api/cameras/{camera.pk}/private-area/", {"private_area": True},
                         content_type="application/json").status_code in {401, 403}
    assert not stored(camera) and audit(camera) == []
    assert not LiveEvent.objects.filter(kind__in=["camera.changed", "grant.changed"]).exists()


def test_the_form_answers_only_post(world: Any, camera: Camera) -> None:
    assert world.client("liaison").get(reverse("cameras:private_area", args=[camera.pk])).status_code == 405


# Bad input -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("body", "field", "message"), [
    ({"private_area": "yes"}, "private_area", "Must be true or false"),
    ({"private_area": "true"}, "private_area", "Must be true or false"),
    ({"private_area": 1}, "private_area", "Must be true or false"),
    ({"private_area": [True]}, "private_area", "Must be true or false"),
    ({"private_area": None}, "private_area", "may not be null"),
    ({}, "private_area", "required"),
    ({"private_area": True, "reason": "x" * 501}, "reason", "no more than 500"),
    ([True], "non_field_errors", "Invalid data"),
])
def test_bad_api_input_is_a_400_naming_the_field_and_nothing_changes(world: Any, camera: Camera, body: Any,
                                                                     field: str, message: str) -> None:
    response = api_post(world.client("liaison"), camera, body)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert not stored(camera) and audit(camera) == []


def test_a_malformed_body_is_a_400(world: Any, camera: Camera) -> None:
    response = world.client("liaison").post(f"/api/cameras/{camera.pk}/private-area/", "{not json",
                                            content_type="application/json")
    assert response.status_code == 400 and "JSON" in response.json()["detail"]
    form = world.client("liaison").post(f"/api/cameras/{camera.pk}/private-area/", {"private_area": "true"})
    assert form.status_code == 415
    assert not stored(camera)


def test_a_too_long_reason_on_the_page_is_an_error_message_and_nothing_changes(world: Any, camera: Camera) -> None:
    client = world.client("liaison")
    response = page_post(client, camera, True, reason="x" * 501)
    assert response.status_code == 302
    assert "at most 500 characters" in client.get(response["Location"]).content.decode()
    assert not stored(camera) and audit(camera) == []


def test_the_action_refuses_a_value_that_is_not_a_boolean(world: Any, camera: Camera) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.do_set_private_area(world.users["liaison"], camera, "false", "")  # type: ignore[arg-type]
    assert "private_area" in refused.value.message_dict
    assert not stored(camera)


def test_the_endpoint_is_in_the_openapi_schema(world: Any) -> None:
    schema = world.client("ops_a").get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/cameras/{id}/private-area/"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "403", "404"}
    assert set(operation["requestBody"]["content"]) == {"application/json"}
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][body]["properties"]
    assert properties["private_area"]["type"] == "boolean" and "reason" in properties
    assert "private area" in operation["summary"]


# What it does to a grant -----------------------------------------------------------------------------

def cursor(world: Any) -> int:
    """The sequence number a page that is open now holds. With no event yet, one is recorded first: on
    PostgreSQL the ids go on from earlier tests, and a cursor of 0 would read as pruned events (a reset)."""
    if not LiveEvent.objects.exists():
        domain_event.send(sender=DomainEvent, event=DomainEvent("test.baseline", world.polres_a.path, None, {}))
    return LiveEvent.objects.order_by("-id").values_list("id", flat=True)[0]


def caught_up(world: Any, who: str, since: int) -> list[dict[str, Any]]:
    """What the user's page hears after ``since`` (the catch-up endpoint is scoped like the socket)."""
    response = world.client(who).get("/api/live/events/", {"since": since})
    assert response.status_code == 200 and not response.json()["reset"]
    return response.json()["events"]  # type: ignore[no-any-return]


def grant_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [event["payload"] for event in events if event["kind"] == "grant.changed"]


def test_marked_private_the_grantee_is_refused_at_once_logged_and_hears_it(
        world: Any, camera: Camera, django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    other = make_camera(world, "KPU Gerbang", URL)
    grant = approved_grant(world, [camera, other])
    police = world.client("ops_a")
    wall = reverse("cameras:wall_tiles")
    assert police.get(reverse("cameras:detail", args=[camera.pk])).status_code == 200
    assert {tile["id"] for tile in police.get(wall).json()["tiles"]} == {camera.pk, other.pk}
    since = cursor(world)

    with django_capture_on_commit_callbacks(execute=True):
        assert api_post(world.client("liaison"), camera, {"private_area": True}).status_code == 200

    page = police.get(reverse("cameras:detail", args=[camera.pk]))
    assert page.status_code == 403 and b"private area" in page.content
    entry = AccessLogEntry.objects.order_by("-pk").first()
    assert entry is not None
    assert (entry.username, entry.camera_id, entry.action, entry.allowed, entry.reason) == (
        "ops_a", camera.pk, choices.AccessAction.VIEW_CAMERA, False, REASON_PRIVATE)
    assert AccessLogEntry.objects.visible_to(world.users["liaison"]).filter(pk=entry.pk).exists()
    assert police.get(reverse("cameras:frame", args=[camera.pk])).status_code == 403
    assert [tile["id"] for tile in police.get(wall).json()["tiles"]] == [other.pk]
    assert list(Camera.objects.visible_to(world.users["ops_a"])) == [other]
    # The grant still records what was approved; the gate is what refuses the camera now.
    grant.refresh_from_db()
    assert grant.status == choices.GrantStatus.APPROVED and set(grant.cameras.all()) == {camera, other}

    # The grantee unit (and the Polda above it) hears the grant again; Polres B hears nothing of it.
    heard = grant_events(caught_up(world, "ops_a", since))
    assert heard == [{"id": grant.pk, "unit_id": world.polres_a.pk, "agency_id": world.kpu_a.pk,
                      "status": "approved", "camera_ids": sorted([camera.pk, other.pk])}]
    assert grant_events(caught_up(world, "commander", since)) == heard
    assert grant_events(caught_up(world, "ops_b", since)) == []
    event = LiveEvent.objects.get(kind="grant.changed", id__gt=since)
    assert (event.unit_path, event.agency_id, event.reaches_down) == (world.polres_a.path, world.kpu_a.pk, True)


def test_cleared_the_camera_shows_again_under_the_grant_and_the_grantee_hears_it(
        world: Any, camera: Camera, django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    grant = approved_grant(world, [camera])
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_set_private_area(world.users["liaison"], camera, True)
    assert world.client("ops_a").get(reverse("cameras:detail", args=[camera.pk])).status_code == 403
    since = cursor(world)

    with django_capture_on_commit_callbacks(execute=True):
        assert page_post(world.client("liaison"), camera, False).status_code == 302
    assert world.client("ops_a").get(reverse("cameras:detail", args=[camera.pk])).status_code == 200
    assert [payload["id"] for payload in grant_events(caught_up(world, "ops_a", since))] == [grant.pk]


def test_only_active_grants_are_announced_and_an_unchanged_value_announces_nothing(
        world: Any, camera: Camera, django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    active = approved_grant(world, [camera], letter="B/1/XI/2026")
    revoked = approved_grant(world, [camera], letter="B/2/XI/2026")
    AccessGrant.objects.filter(pk=revoked.pk).update(status=choices.GrantStatus.REVOKED)
    LiveEvent.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_set_private_area(world.users["liaison"], camera, True)
    assert [e.payload["id"] for e in LiveEvent.objects.filter(kind="grant.changed")] == [active.pk]
    assert LiveEvent.objects.filter(kind="camera.changed", payload__id=camera.pk).count() == 1
    LiveEvent.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        actions.do_set_private_area(world.users["liaison"], camera, True)
    assert not LiveEvent.objects.exists()
    assert len(audit(camera)) == 1


def test_a_private_camera_cannot_be_granted_afterwards(world: Any, camera: Camera) -> None:
    actions.do_set_private_area(world.users["liaison"], camera, True)
    with pytest.raises(ValidationError, match="private area"):
        approved_grant(world, [camera])


@pytest.mark.integration
def test_over_the_real_socket_the_grantee_hears_the_grant_and_polres_b_does_not(
        transactional_db: None, world: Any, asgi_server: LiveServer) -> None:
    camera = make_camera(world, "KPU Ruang Pleno", URL)
    grant = approved_grant(world, [camera])

    def listening(who: str) -> ClientConnection:
        socket = connect_socket(asgi_server, session_cookie(world.users[who]))
        assert receive(socket)["kind"] == "live.ready"
        return socket

    with listening("ops_a") as ops_a, listening("ops_b") as ops_b:
        assert api_post(world.client("liaison"), camera, {"private_area": True}).status_code == 200
        actions_sites.do_update_site(None, world.site_b, latitude=-8.1802)

        kinds = [receive(ops_a) for _ in range(2)]  # the camera's own unit hears camera.changed too
        granted = [event["payload"] for event in kinds if event["kind"] == "grant.changed"]
        assert granted == [{"id": grant.pk, "unit_id": world.polres_a.pk, "agency_id": world.kpu_a.pk,
                            "status": "approved", "camera_ids": [camera.pk]}]
        # Had the grant's event reached Polres B's socket, it would have come before its own site's.
        first = receive(ops_b)
        assert (first["kind"], first["payload"]["id"]) == ("site.changed", world.site_b.pk)


def test_marked_private_on_the_edit_form_it_is_logged_and_the_grantees_hear_it_too(
        world: Any, camera: Camera, django_capture_on_commit_callbacks: Callable[..., Any]) -> None:
    grant = approved_grant(world, [camera])
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_update_camera(world.users["ops_a"], camera, name="Renamed")
    assert not LiveEvent.objects.filter(kind="grant.changed").exists()  # an edit of anything else: nothing
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_update_camera(world.users["ops_a"], camera, private_area=True)
    event = LiveEvent.objects.get(kind="grant.changed")
    assert (event.payload["id"], event.payload["camera_ids"]) == (grant.pk, [camera.pk])
    # Logged as the mark's own page and endpoint log it; the rename is not the mark's business.
    [entry] = audit(camera)
    assert (entry.user, entry.change_message) == (world.users["ops_a"], "Marked as looking into a private area.")
