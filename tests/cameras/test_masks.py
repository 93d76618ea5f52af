"""Privacy masks: who may set them, what is refused (outside the frame, crossing edges), and nothing stored then."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from tests.cameras.registry_helpers import make_camera

pytestmark = pytest.mark.django_db

WINDOW = [[0.1, 0.1], [0.4, 0.1], [0.4, 0.5], [0.1, 0.5]]


def post_masks(client: Any, camera: Any, masks: Any) -> Any:
    return client.post(reverse("cameras:masks", args=[camera.pk]), json.dumps({"masks": masks}),
                       content_type="application/json")


def test_the_editor_page_and_saving(world: Any) -> None:
    camera = make_camera(world, "cam-a")
    client = world.client("ops_a")
    page = client.get(reverse("cameras:masks", args=[camera.pk]))
    assert page.status_code == 200
    assert reverse("cameras:reference", args=[camera.pk]) in page.content.decode()
    response = post_masks(client, camera, [WINDOW])
    assert response.status_code == 200 and response.json()["masks"] == [WINDOW]
    camera.refresh_from_db()
    assert camera.masks == [WINDOW]


@pytest.mark.parametrize(("masks", "message"), [
    ([[[0.1, 0.1], [1.4, 0.1], [0.4, 0.5]]], "outside the frame"),
    ([[[0.1, 0.1], [0.5, 0.5], [0.5, 0.1], [0.1, 0.5]]], "cross"),
    ([[[0.1, 0.1], [0.2, 0.2]]], "3 to 64 points"),
    ([[[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]]], "no area"),
    ("everything", "list of polygons"),
])
def test_bad_masks_are_refused_with_a_clear_message_and_nothing_is_stored(world: Any, masks: Any,
                                                                          message: str) -> None:
    camera = make_camera(world, "cam-a", masks=[WINDOW])
    response = post_masks(world.client("ops_a"), camera, masks)
    assert response.status_code == 400
    assert message in response.json()["error"]
    camera.refresh_from_db()
    assert camera.masks == [WINDOW]
    api = world.client("ops_a").put(f"/api/cameras/{camera.pk}/masks/", {"masks": masks},
                                    content_type="application/json")
    assert api.status_code == 400 and message in json.dumps(api.json())
    camera.refresh_from_db()
    assert camera.masks == [WINDOW]


def test_malformed_bodies_are_400(world: Any) -> None:
    camera = make_camera(world, "cam-a")
    client = world.client("ops_a")
    url = reverse("cameras:masks", args=[camera.pk])
    assert client.post(url, "not json", content_type="application/json").status_code == 400
    assert client.post(url, "[]", content_type="application/json").status_code == 400
    assert client.post(url, json.dumps({"masks": [WINDOW] * 3000}), content_type="application/json"
                       ).status_code == 413


def test_the_owning_liaison_may_set_masks_of_their_cameras_and_no_one_else_outside_the_unit(world: Any) -> None:
    kpu = make_camera(world, "kpu-1", agency=world.kpu_a)
    police = make_camera(world, "polisi-1")
    assert post_masks(world.client("liaison"), kpu, [WINDOW]).status_code == 200
    assert world.client("liaison").put(f"/api/cameras/{kpu.pk}/masks/", {"masks": []},
                                       content_type="application/json").status_code == 200
    # The police camera is not the liaison's to know of at all.
    assert post_masks(world.client("liaison"), police, [WINDOW]).status_code == 404
    assert post_masks(world.client("officer_a"), police, [WINDOW]).status_code == 403
    assert post_masks(world.client("ops_b"), police, [WINDOW]).status_code == 404
    assert world.client("ops_b").get(reverse("cameras:masks", args=[police.pk])).status_code == 404
    police.refresh_from_db()
    assert police.masks == []


def test_api_reads_and_replaces_masks(world: Any) -> None:
    camera = make_camera(world, "cam-a")
    client = world.client("ops_a")
    assert client.put(f"/api/cameras/{camera.pk}/masks/", {"masks": [WINDOW]},
                      content_type="application/json").json() == {"masks": [WINDOW]}
    assert client.get(f"/api/cameras/{camera.pk}/masks/").json() == {"masks": [WINDOW]}
