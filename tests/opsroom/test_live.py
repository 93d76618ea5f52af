"""The live room: who hears an event (real daphne, real Redis channel layer), the catch-up endpoint,
a socket whose user is moved or revoked, and retention."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from itertools import product
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from channels_redis.core import RedisChannelLayer
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
from websockets.exceptions import ConnectionClosedError
from websockets.sync.client import ClientConnection

from opsroom.asgi import application
from opsroom.live import publish
from opsroom.live.api import PAGE_SIZE
from opsroom.live.audience import Audience, groups_for, unit_ids
from opsroom.live.consumers import CLOSE_UNAUTHENTICATED, LiveConsumer
from opsroom.models import LiveEvent
from opsroom.tasks import prune_live_events
from sites import actions
from sites.choices import Role
from sites.models import ProtectedSite
from tests.conftest import World
from tests.live_servers import LiveServer, connect_socket, session_cookie

RECEIVE_TIMEOUT_S = 10


def receive(socket: ClientConnection) -> dict[str, Any]:
    return json.loads(socket.recv(timeout=RECEIVE_TIMEOUT_S))  # type: ignore[no-any-return]


@contextmanager
def listening(server: LiveServer, world: World, who: str) -> Iterator[ClientConnection]:
    """A socket of that user, handed over once the server says it listens."""
    with connect_socket(server, session_cookie(world.users[who])) as socket:
        assert receive(socket)["kind"] == "live.ready"
        yield socket


def move(site: ProtectedSite, latitude: float) -> None:
    actions.do_update_site(None, site, latitude=latitude)


def refused_with(socket: ClientConnection) -> int:
    with pytest.raises(ConnectionClosedError) as closed:
        socket.recv(timeout=RECEIVE_TIMEOUT_S)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


# Over the real ASGI server and Redis channel layer ----------------------------------------------

@pytest.mark.integration
def test_polres_a_event_reaches_polres_a_and_polda_but_not_polres_b(
    transactional_db: None, world: World, asgi_server: LiveServer
) -> None:
    with (listening(asgi_server, world, "ops_a") as ops_a, listening(asgi_server, world, "commander") as commander,
          listening(asgi_server, world, "ops_b") as ops_b):
        move(world.site_a, -8.1001)
        move(world.site_b, -8.1801)

        event = receive(ops_a)
        assert (event["kind"], event["payload"]["id"]) == ("site.changed", world.site_a.pk)
        assert event["payload"]["latitude"] == pytest.approx(-8.1001)
        assert [receive(commander)["payload"]["id"] for _ in range(2)] == [world.site_a.pk, world.site_b.pk]
        # Had the Polres A event reached Polres B's socket, it would have come first on that channel.
        assert receive(ops_b)["payload"]["id"] == world.site_b.pk


@pytest.mark.integration
def test_sequence_numbers_increase_and_name_the_previous_event_of_the_stream(
    transactional_db: None, world: World, asgi_server: LiveServer
) -> None:
    with listening(asgi_server, world, "ops_a") as ops_a:
        move(world.site_a, -8.1002)
        move(world.site_b, -8.1802)  # not Polres A's: it must not count in Polres A's stream
        move(world.site_a, -8.1003)
        first, second = receive(ops_a), receive(ops_a)
    assert first["seq"] < second["seq"]
    assert second["prev"] == first["seq"]
    assert second["payload"]["latitude"] == pytest.approx(-8.1003)


@pytest.mark.integration
def test_an_idle_socket_outlasts_the_channel_layers_blocking_read(
    transactional_db: None, world: World, asgi_server: LiveServer
) -> None:
    # redis-py 8's default read timeout equals channels_redis's blocking receive; unless the
    # settings lengthen it, the consumer dies after that long without an event.
    with listening(asgi_server, world, "ops_a") as ops_a:
        time.sleep(RedisChannelLayer.brpop_timeout + 1.5)
        move(world.site_a, -8.1007)
        assert receive(ops_a)["payload"]["latitude"] == pytest.approx(-8.1007)


@pytest.mark.integration
def test_anonymous_socket_is_refused(transactional_db: None, asgi_server: LiveServer) -> None:
    with connect_socket(asgi_server, None) as socket:
        assert refused_with(socket) == CLOSE_UNAUTHENTICATED


@pytest.mark.integration
def test_logged_out_session_is_refused(transactional_db: None, world: World, asgi_server: LiveServer) -> None:
    cookie = session_cookie(world.users["ops_a"])
    Session.objects.filter(session_key=cookie).delete()
    with connect_socket(asgi_server, cookie) as socket:
        assert refused_with(socket) == CLOSE_UNAUTHENTICATED


# A socket whose user changes (in process, refreshing on every message) -------------------------

@pytest.fixture
def refresh_every_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(LiveConsumer, "REFRESH_S", 0.0)


def communicator_for(cookie: str) -> WebsocketCommunicator:
    headers = [(b"origin", b"http://127.0.0.1"), (b"host", b"127.0.0.1"),
               (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())]
    return WebsocketCommunicator(application, "/ws/live/", headers=headers)


def test_moved_user_stops_hearing_the_old_unit_and_revoked_user_is_closed(
    transactional_db: None, world: World, refresh_every_message: None
) -> None:
    user = world.users["ops_a"]
    cookie = session_cookie(user)

    async def scenario() -> None:
        socket = communicator_for(cookie)
        connected, _subprotocol = await socket.connect(timeout=RECEIVE_TIMEOUT_S)
        assert connected
        ready = await socket.receive_json_from(timeout=RECEIVE_TIMEOUT_S)
        assert ready["kind"] == "live.ready" and ready["audience"] == f"unit-{world.polres_a.pk}"

        await database_sync_to_async(actions.do_set_membership)(user, role=Role.OPERATIONS, unit=world.polres_b)
        await database_sync_to_async(move)(world.site_a, -8.1004)
        resync = await socket.receive_json_from(timeout=RECEIVE_TIMEOUT_S)
        assert resync["kind"] == "live.resync"  # not the Polres A event: reload, now as Polres B

        await database_sync_to_async(move)(world.site_b, -8.1804)
        event = await socket.receive_json_from(timeout=RECEIVE_TIMEOUT_S)
        assert event["payload"]["id"] == world.site_b.pk

        # A socket opened now says whom it listens as and the cursor: a page that had listened as
        # Polres A before a reconnect reloads from there (opsroom/live.js).
        again = communicator_for(cookie)
        assert (await again.connect(timeout=RECEIVE_TIMEOUT_S))[0]
        assert await again.receive_json_from(timeout=RECEIVE_TIMEOUT_S) == {
            "kind": "live.ready", "audience": f"unit-{world.polres_b.pk}", "seq": event["seq"]}
        await again.disconnect()

        user.is_active = False
        await database_sync_to_async(user.save)()
        await database_sync_to_async(move)(world.site_b, -8.1805)
        closed = await socket.receive_output(timeout=RECEIVE_TIMEOUT_S)
        assert closed == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}
        await socket.disconnect()

    async_to_sync(scenario)()


@override_settings(OPSROOM_SECOND_FACTOR_ROLES=["commander"])
def test_a_role_owing_the_second_factor_gets_no_socket_until_it_is_passed(
    transactional_db: None, world: World
) -> None:
    user = world.users["commander"]
    cookie = session_cookie(user)

    async def first_message() -> dict[str, Any]:
        socket = communicator_for(cookie)
        connected, _subprotocol = await socket.connect(timeout=RECEIVE_TIMEOUT_S)
        assert connected
        message: dict[str, Any] = await socket.receive_output(timeout=RECEIVE_TIMEOUT_S)
        await socket.disconnect()
        return message

    assert async_to_sync(first_message)() == {"type": "websocket.close", "code": CLOSE_UNAUTHENTICATED}

    device = TOTPDevice.objects.create(user=user, name="Opsroom", confirmed=True)
    session = SessionStore(cookie)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # as django_otp.login() leaves it
    session.save()
    assert json.loads(async_to_sync(first_message)()["text"])["kind"] == "live.ready"


# The catch-up endpoint ----------------------------------------------------------------------------

def events_since(world: World, who: str, since: int) -> dict[str, Any]:
    response = world.client(who).get("/api/live/events/", {"since": since})
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_catch_up_is_scoped_and_since_works(transactional_db: None, world: World) -> None:
    # Making the world announced both sites; two more changes follow.
    start = LiveEvent.objects.order_by("id").first()
    assert start is not None
    since = start.pk - 1
    move(world.site_a, -8.1006)
    move(world.site_b, -8.1806)

    def site_ids(page: dict[str, Any]) -> list[int]:
        return [event["payload"]["id"] for event in page["events"]]

    a, b = world.site_a.pk, world.site_b.pk
    assert site_ids(events_since(world, "ops_a", since)) == [a, a]
    assert site_ids(events_since(world, "ops_b", since)) == [b, b]
    assert site_ids(events_since(world, "commander", since)) == [a, b, a, b]
    assert site_ids(events_since(world, "liaison", since)) == [a, a]  # KPU Kota Blitar owns site A
    assert site_ids(events_since(world, "admin", since)) == [a, b, a, b]

    everything = events_since(world, "commander", since)
    seqs = [event["seq"] for event in everything["events"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert everything["cursor"] == seqs[-1]
    later = events_since(world, "commander", seqs[1])
    assert [event["seq"] for event in later["events"]] == seqs[2:]
    nothing_new = events_since(world, "commander", seqs[-1])
    assert nothing_new["events"] == [] and nothing_new["cursor"] == seqs[-1]


def test_catch_up_needs_login_and_a_cursor(world: World) -> None:
    assert world.client("ops_a").get("/api/live/events/", {"since": "x"}).status_code == 400
    assert world.client("ops_a").get("/api/live/events/").status_code == 400
    assert Client().get("/api/live/events/", {"since": 0}).status_code in {401, 403}


def test_catch_up_pages_and_keeps_its_queries_flat(
    world: World, django_assert_max_num_queries: Any
) -> None:
    path = world.polres_a.path
    LiveEvent.objects.bulk_create(
        LiveEvent(kind="site.changed", unit_path=path, payload={"id": n}) for n in range(PAGE_SIZE + 20)
    )
    since = LiveEvent.objects.order_by("id").values_list("id", flat=True).first() - 1  # type: ignore[operator]
    client = world.client("ops_a")
    client.get("/api/live/events/", {"since": since})  # the session and scope are warm from here on
    with django_assert_max_num_queries(6):
        first = client.get("/api/live/events/", {"since": since}).json()
    assert len(first["events"]) == PAGE_SIZE and first["more"]
    rest = client.get("/api/live/events/", {"since": first["cursor"]}).json()
    assert len(rest["events"]) == 20 and not rest["more"]


def test_cursor_older_than_the_retention_asks_for_a_reload(world: World) -> None:
    old = timezone.now() - publish.RETENTION - dt.timedelta(hours=1)
    rows = LiveEvent.objects.bulk_create(
        LiveEvent(kind="site.changed", unit_path=world.polres_a.path, payload={"id": n}) for n in range(3)
    )
    LiveEvent.objects.filter(pk__in=[row.pk for row in rows]).update(created_at=old)
    prune_live_events()
    assert list(LiveEvent.objects.values_list("pk", flat=True)) == [rows[-1].pk]  # the newest stays
    page = events_since(world, "ops_a", rows[0].pk)
    assert page["reset"] and page["cursor"] == rows[-1].pk
    assert not events_since(world, "ops_a", rows[-1].pk)["reset"]


# The one scoping rule --------------------------------------------------------------------------

PATHS = ["", "/1/", "/1/5/", "/1/5/12/", "/1/6/", "/2/", "/2/7/"]
AGENCIES = [None, 3, 4]
AUDIENCES = [
    Audience(everything=True, unit_path=None, agency_id=None),
    Audience(everything=False, unit_path="/1/", agency_id=None),
    Audience(everything=False, unit_path="/1/5/", agency_id=None),
    Audience(everything=False, unit_path="/1/5/12/", agency_id=None),
    Audience(everything=False, unit_path="/2/", agency_id=None),
    Audience(everything=False, unit_path=None, agency_id=3),
    Audience(everything=False, unit_path=None, agency_id=None),
]


def below(path: str) -> list[int]:
    """The ids of the units under ``path`` among the paths used here (as publish finds them in the database)."""
    return sorted({unit_ids(other)[-1] for other in PATHS if other != path and path and other.startswith(path)})


@pytest.mark.parametrize("audience", AUDIENCES, ids=str)
def test_socket_rule_endpoint_filter_and_groups_agree(db: None, audience: Audience) -> None:
    rows = LiveEvent.objects.bulk_create(
        LiveEvent(kind="test", unit_path=path, agency_id=agency, reaches_down=down)
        for path, agency, down in product(PATHS, AGENCIES, [False, True])
    )
    admitted = {row.pk for row in rows if audience.admits(row.unit_path, row.agency_id, row.reaches_down)}
    filtered = set(LiveEvent.objects.filter(audience.events_filter()).values_list("pk", flat=True))
    grouped = {
        row.pk for row in rows
        if audience.group in groups_for(row.unit_path, row.agency_id, below(row.unit_path) if row.reaches_down else ())
    }
    assert admitted == filtered == grouped


def test_an_event_that_reaches_down_is_heard_below_and_an_ordinary_one_is_not() -> None:
    polsek = Audience(everything=False, unit_path="/1/5/12/", agency_id=None)
    assert not polsek.admits("/1/5/", None)
    assert polsek.admits("/1/5/", None, reaches_down=True)
    assert not polsek.admits("/1/6/", None, reaches_down=True)
