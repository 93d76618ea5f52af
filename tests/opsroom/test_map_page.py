"""The commander map page and where the home page sends each role; the live plumbing survives Redis
going away."""

from __future__ import annotations

import json
from typing import Any

import pytest
import redis
from django.test import Client

from opsroom.live import publish
from opsroom.models import LiveEvent
from sites import actions
from tests.conftest import World

pytestmark = pytest.mark.django_db


def test_home_sends_commanders_to_the_map_and_others_to_the_sites(world: World) -> None:
    assert world.client("commander").get("/").url == "/map/"
    assert world.client("ops_a").get("/").url == "/sites/"
    assert world.client("liaison").get("/").url == "/sites/"


def test_map_needs_login(world: World) -> None:
    response = Client().get("/map/")
    assert response.status_code == 302 and "/account/login/" in response.url


def test_map_page_carries_its_cursor_and_keeps_queries_flat(
    world: World, django_assert_max_num_queries: Any
) -> None:
    LiveEvent.objects.create(kind="site.changed", unit_path=world.polres_a.path, payload={"id": 1})
    client = world.client("commander")
    with django_assert_max_num_queries(8):
        response = client.get("/map/")
    assert response.status_code == 200
    config = json.loads(response.content.decode().split('id="livemap-config" type="application/json">')[1]
                        .split("</script>")[0])
    assert config["cursor"] == publish.latest_seq()
    assert config["geojsonUrl"] == "/api/sites/geojson/" and config["eventsUrl"] == "/api/live/events/"
    assert b'id="livemap-config"' in response.content
    assert b'href="/map/"' in response.content  # the navigation links the map


class BrokenLayer:
    async def group_send(self, group: str, message: dict[str, Any]) -> None:
        raise OSError("channel layer down")


def test_an_announcement_is_recorded_even_when_redis_is_down(
    world: World, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    def no_redis() -> Any:
        raise redis.ConnectionError("down")

    monkeypatch.setattr(publish, "_redis", no_redis)
    monkeypatch.setattr(publish, "get_channel_layer", BrokenLayer)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_update_site(None, world.site_a, latitude=-8.1111)
    latest = LiveEvent.objects.order_by("-id").first()
    assert latest is not None
    assert (latest.kind, latest.payload["id"], latest.payload["latitude"]) == ("site.changed", world.site_a.pk, -8.1111)
