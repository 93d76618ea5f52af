"""The camera registry: pages and API, the editing rule, credentials that never come back, outsiders' 404."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from cameras import choices, secrets
from cameras.models import Camera
from opsroom.models import LiveEvent
from tests.cameras.registry_helpers import PASSWORD, approved_grant, make_camera

pytestmark = pytest.mark.django_db


def form_data(world: Any, **overrides: Any) -> dict[str, Any]:
    data = {"name": "CCTV Gerbang", "unit": world.polres_a.pk, "site": world.site_a.pk, "agency": "",
            "source_kind": choices.SourceKind.HTTP_JPEG, "url": "http://10.1.2.3/snapshot.jpg",
            "username": "admin", "password": PASSWORD, "poll_interval_s": 30, "covers": "Pintu gerbang",
            "enabled": "on", "latitude": "", "longitude": ""}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def never_shows_secret(body: bytes | str, camera: Camera | None = None) -> None:
    text = body.decode() if isinstance(body, bytes) else body
    assert PASSWORD not in text
    if camera is not None and camera.credentials:
        assert camera.credentials not in text


# --- register and edit through the pages ------------------------------------------------------------

def test_ops_registers_a_camera_and_the_credentials_are_stored_sealed_and_never_shown(world: Any) -> None:
    client = world.client("ops_a")
    response = client.post(reverse("cameras:create"), form_data(world), follow=True)
    assert response.status_code == 200
    camera = Camera.objects.get(name="CCTV Gerbang")
    assert secrets.unseal(camera.credentials) == secrets.Credentials("admin", PASSWORD)
    assert "credentials stored" in response.content.decode()
    never_shows_secret(response.content, camera)

    edit = client.get(reverse("cameras:edit", args=[camera.pk]))
    assert edit.status_code == 200
    assert "Credentials stored." in edit.content.decode()
    never_shows_secret(edit.content, camera)
    assert 'value="admin"' not in edit.content.decode()
    never_shows_secret(client.get(reverse("cameras:list")).content, camera)


def test_a_form_error_never_echoes_the_password_and_stores_nothing(world: Any) -> None:
    response = world.client("ops_a").post(reverse("cameras:create"), form_data(world, url="ftp://10.1.2.3/x.jpg"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "needs a URL starting with http:// or https://" in body
    never_shows_secret(body)
    assert not Camera.objects.exists()


@pytest.mark.parametrize(("overrides", "field_message"), [
    ({"url": "http://admin:pw@10.1.2.3/snap.jpg"}, "not in the URL"),
    ({"url": "not a url"}, "spaces"),
    ({"source_kind": "rtsp", "url": "http://10.1.2.3/x"}, "rtsp://"),
    ({"poll_interval_s": 5}, "greater than or equal to 10"),
    ({"poll_interval_s": 4000}, "less than or equal to 3600"),
    ({"agency": 99999}, "Select a valid choice"),
    ({"latitude": "-8.1", "longitude": ""}, "both latitude and longitude"),
    ({"poll_queue": "Blitar LAN"}, "lowercase letters, digits and hyphens"),
    ({"poll_queue": "cameras.blitar"}, "lowercase letters, digits and hyphens"),
    ({"poll_queue": "x" * 41}, "at most 40 characters"),
])
def test_bad_values_are_form_errors(world: Any, overrides: dict[str, Any], field_message: str) -> None:
    response = world.client("ops_a").post(reverse("cameras:create"), form_data(world, **overrides))
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not Camera.objects.exists()


def test_a_site_of_another_unit_cannot_be_chosen(world: Any) -> None:
    response = world.client("ops_a").post(reverse("cameras:create"), form_data(world, site=world.site_b.pk))
    assert "Select a valid choice" in response.content.decode()
    assert not Camera.objects.exists()


def test_editing_keeps_credentials_unless_new_ones_are_typed_or_they_are_cleared(world: Any) -> None:
    client = world.client("ops_a")
    client.post(reverse("cameras:create"), form_data(world))
    camera = Camera.objects.get()
    token = camera.credentials
    url = reverse("cameras:edit", args=[camera.pk])
    client.post(url, form_data(world, username="", password="", covers="Halaman"))
    camera.refresh_from_db()
    assert camera.covers == "Halaman" and camera.credentials == token

    client.post(url, form_data(world, username="operator", password="baru"))
    camera.refresh_from_db()
    assert secrets.unseal(camera.credentials) == secrets.Credentials("operator", "baru")

    client.post(url, form_data(world, username="", password="", clear_credentials="on"))
    camera.refresh_from_db()
    assert camera.credentials == ""


def test_the_polling_network_is_set_on_the_form_and_changed_or_cleared_on_edit(world: Any) -> None:
    client = world.client("ops_a")
    client.post(reverse("cameras:create"), form_data(world, poll_queue=" blitar-lan "))
    camera = Camera.objects.get()
    assert camera.poll_queue == "blitar-lan"
    url = reverse("cameras:edit", args=[camera.pk])
    page = client.get(url).content.decode()
    assert 'name="poll_queue"' in page and 'value="blitar-lan"' in page and "cameras.blitar-lan" in page
    client.post(url, form_data(world, poll_queue="kpu-2"))
    camera.refresh_from_db()
    assert camera.poll_queue == "kpu-2"
    client.post(url, form_data(world, poll_queue=""))
    camera.refresh_from_db()
    assert camera.poll_queue == ""


def test_the_action_refuses_a_bad_polling_network_whoever_calls_it(world: Any) -> None:
    from django.core.exceptions import ValidationError

    from cameras.actions.registry import do_update_camera

    camera = make_camera(world, "cam-a", poll_queue="blitar-lan")
    with pytest.raises(ValidationError) as caught:
        do_update_camera(None, camera, poll_queue="Blitar_LAN")
    assert "“Blitar_LAN” cannot name a polling network" in caught.value.message_dict["poll_queue"][0]
    camera.refresh_from_db()
    assert camera.poll_queue == "blitar-lan"


def test_only_editors_of_the_unit_may_register_or_edit(world: Any) -> None:
    camera = make_camera(world, "cam-a")
    assert world.client("officer_a").post(reverse("cameras:create"), form_data(world)).status_code == 403
    assert world.client("officer_a").get(reverse("cameras:edit", args=[camera.pk])).status_code == 403
    assert world.client("liaison").get(reverse("cameras:create")).status_code == 403
    assert world.client("commander").get(reverse("cameras:edit", args=[camera.pk])).status_code == 403
    assert world.client("admin").get(reverse("cameras:edit", args=[camera.pk])).status_code == 200


def test_outsiders_get_404_on_every_camera_page(world: Any) -> None:
    camera = make_camera(world, "cam-a")
    outsider = world.client("ops_b")
    for name in ("cameras:edit", "cameras:delete", "cameras:masks"):
        assert outsider.get(reverse(name, args=[camera.pk])).status_code == 404, name
        assert outsider.post(reverse(name, args=[camera.pk]), {}).status_code == 404, name
    assert outsider.get(reverse("cameras:edit", args=[999999])).status_code == 404
    assert "cam-a" not in outsider.get(reverse("cameras:list")).content.decode()


def test_delete_and_disable(world: Any) -> None:
    client = world.client("ops_a")
    keep, gone = make_camera(world, "keep"), make_camera(world, "gone")
    client.post(reverse("cameras:delete", args=[keep.pk]), {"action": "disable"})
    keep.refresh_from_db()
    assert keep.enabled is False
    client.post(reverse("cameras:delete", args=[gone.pk]), {"action": "delete"})
    assert not Camera.objects.filter(pk=gone.pk).exists()


def test_a_deleted_camera_is_announced(world: Any, django_capture_on_commit_callbacks: Any) -> None:
    gone = make_camera(world, "gone", agency=world.kpu_a)
    with django_capture_on_commit_callbacks(execute=True):
        world.client("ops_a").post(reverse("cameras:delete", args=[gone.pk]), {"action": "delete"})
    event = LiveEvent.objects.get(kind="camera.deleted")
    assert (event.payload["id"], event.payload["name"]) == (gone.pk, "gone")
    assert (event.unit_path, event.agency_id) == (world.polres_a.path, world.kpu_a.pk)


# --- the list ----------------------------------------------------------------------------------------

def test_list_filters_and_shows_agency_cameras_as_needing_a_grant(world: Any, django_assert_max_num_queries: Any
                                                                   ) -> None:
    own = make_camera(world, "polisi-1", status=choices.CameraStatus.ONLINE)
    kpu = make_camera(world, "kpu-1", agency=world.kpu_a, status=choices.CameraStatus.OFFLINE)
    make_camera(world, "jember-1", unit=world.polres_b, site=world.site_b)
    client = world.client("officer_a")
    body = client.get(reverse("cameras:list")).content.decode()
    assert "polisi-1" in body and "kpu-1" in body and "jember-1" not in body
    assert "needs a grant" in body
    assert reverse("cameras:detail", args=[own.pk]) in body
    assert reverse("cameras:detail", args=[kpu.pk]) not in body

    approved_grant(world, [kpu])
    body = client.get(reverse("cameras:list")).content.decode()
    assert "needs a grant" not in body and reverse("cameras:detail", args=[kpu.pk]) in body

    filtered = client.get(reverse("cameras:list"), {"status": "offline"}).content.decode()
    assert "kpu-1" in filtered and "polisi-1" not in filtered
    police = client.get(reverse("cameras:list"), {"agency": "police"}).content.decode()
    assert "polisi-1" in police and "kpu-1" not in police

    for index in range(30):
        make_camera(world, f"extra-{index}", agency=world.kpu_a if index % 2 else None)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("cameras:list")).status_code == 200


def test_the_liaison_lists_only_their_agencys_cameras(world: Any) -> None:
    make_camera(world, "polisi-1")
    make_camera(world, "kpu-1", agency=world.kpu_a)
    body = world.client("liaison").get(reverse("cameras:list")).content.decode()
    assert "kpu-1" in body and "polisi-1" not in body


# --- the API -----------------------------------------------------------------------------------------

def api_body(world: Any, **overrides: Any) -> dict[str, Any]:
    body = {"name": "CCTV API", "unit": world.polres_a.pk, "site": world.site_a.pk, "agency": world.kpu_a.pk,
            "source_kind": "mjpeg", "url": "http://10.1.2.3/stream.mjpg", "username": "u", "password": PASSWORD,
            "poll_interval_s": 60}
    body.update(overrides)
    return body


def test_api_create_update_never_returns_credentials(world: Any) -> None:
    client = world.client("ops_a")
    created = client.post("/api/cameras/", api_body(world), content_type="application/json")
    assert created.status_code == 201, created.content
    camera = Camera.objects.get(name="CCTV API")
    never_shows_secret(created.content, camera)
    data = created.json()
    assert data["has_credentials"] is True
    assert "password" not in data and "username" not in data and "credentials" not in data

    changed = client.patch(f"/api/cameras/{camera.pk}/", {"covers": "Lobi"}, content_type="application/json")
    assert changed.status_code == 200
    camera.refresh_from_db()
    assert camera.covers == "Lobi" and secrets.unseal(camera.credentials) == secrets.Credentials("u", PASSWORD)
    never_shows_secret(changed.content, camera)
    for url in ("/api/cameras/", f"/api/cameras/{camera.pk}/", "/api/schema/", "/api/schema/?format=json"):
        never_shows_secret(client.get(url).content, camera)

    cleared = client.patch(f"/api/cameras/{camera.pk}/", {"clear_credentials": True}, content_type="application/json")
    assert cleared.json()["has_credentials"] is False


@pytest.mark.parametrize(("overrides", "field"), [
    ({"url": "file:///etc/passwd"}, "url"),
    ({"url": "rtsp://user:pw@10.0.0.1/live"}, "url"),
    ({"source_kind": "rtsp", "url": "http://10.1.2.3/x"}, "url"),
    ({"agency": 99999}, "agency"),
    ({"site": -1}, "site"),
    ({"poll_interval_s": 9}, "poll_interval_s"),
    ({"source_kind": "ftp"}, "source_kind"),
    ({"poll_queue": "Blitar LAN"}, "poll_queue"),
    ({"poll_queue": "a" * 41}, "poll_queue"),
])
def test_api_bad_input_is_a_400_naming_the_field(world: Any, overrides: dict[str, Any], field: str) -> None:
    response = world.client("ops_a").post("/api/cameras/", api_body(world, **overrides),
                                          content_type="application/json")
    assert response.status_code == 400
    assert field in response.json()
    never_shows_secret(response.content)
    assert not Camera.objects.exists()


def test_api_sets_shows_and_clears_the_polling_network(world: Any) -> None:
    client = world.client("ops_a")
    created = client.post("/api/cameras/", api_body(world, poll_queue="blitar-lan"), content_type="application/json")
    assert created.status_code == 201 and created.json()["poll_queue"] == "blitar-lan"
    camera = Camera.objects.get()
    assert camera.poll_queue == "blitar-lan"
    refused = client.patch(f"/api/cameras/{camera.pk}/", {"poll_queue": "blitar lan"}, content_type="application/json")
    assert refused.status_code == 400 and "lowercase letters" in refused.json()["poll_queue"][0]
    cleared = client.patch(f"/api/cameras/{camera.pk}/", {"poll_queue": ""}, content_type="application/json")
    assert cleared.status_code == 200 and cleared.json()["poll_queue"] == ""
    camera.refresh_from_db()
    assert camera.poll_queue == ""
    assert client.post("/api/cameras/", api_body(world, name="Tanpa"), content_type="application/json"
                       ).json()["poll_queue"] == ""


def test_api_a_site_of_another_unit_does_not_exist_for_the_user(world: Any) -> None:
    response = world.client("ops_a").post("/api/cameras/", api_body(world, site=world.site_b.pk),
                                          content_type="application/json")
    assert response.status_code == 400 and "site" in response.json()


def test_api_duplicate_name_is_a_clear_400(world: Any) -> None:
    make_camera(world, "CCTV API")
    response = world.client("ops_a").post("/api/cameras/", api_body(world), content_type="application/json")
    assert response.status_code == 400
    assert "already has a camera named" in json.dumps(response.json())


def test_api_outsiders_get_404_and_lists_are_scoped(world: Any) -> None:
    camera = make_camera(world, "cam-a", agency=world.kpu_a)
    outsider = world.client("ops_b")
    assert outsider.get("/api/cameras/").json()["count"] == 0
    for method in ("get", "patch", "delete"):
        assert getattr(outsider, method)(f"/api/cameras/{camera.pk}/", content_type="application/json"
                                         ).status_code == 404
    assert outsider.get(f"/api/cameras/{camera.pk}/masks/").status_code == 404
    assert outsider.put(f"/api/cameras/{camera.pk}/masks/", {"masks": []},
                        content_type="application/json").status_code == 404
    assert world.client("liaison").get("/api/cameras/").json()["count"] == 1


def test_api_url_is_hidden_from_those_who_may_not_edit(world: Any) -> None:
    camera = make_camera(world, "cam-a", agency=world.kpu_a)
    assert world.client("ops_a").get(f"/api/cameras/{camera.pk}/").json()["url"] == camera.url
    assert world.client("officer_a").get(f"/api/cameras/{camera.pk}/").json()["url"] is None
    assert world.client("liaison").get(f"/api/cameras/{camera.pk}/").json()["url"] is None


def test_api_editor_rules(world: Any) -> None:
    camera = make_camera(world, "cam-a", agency=world.kpu_a)
    assert world.client("officer_a").post("/api/cameras/", api_body(world),
                                          content_type="application/json").status_code == 403
    assert world.client("liaison").patch(f"/api/cameras/{camera.pk}/", {"covers": "x"},
                                         content_type="application/json").status_code == 403
    assert world.client("ops_a").delete(f"/api/cameras/{camera.pk}/").status_code == 204
