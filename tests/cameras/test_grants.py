"""Access grants through the pages and the API: the written request and its checks, the agency's decision,
revocation and withdrawal, who may do what (outsiders 404), and the grant.changed announcement."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cameras import choices
from cameras.actions import grants
from cameras.models import AccessGrant, Camera
from opsroom.models import LiveEvent
from tests.cameras.access_support import approved_grant, make_camera, request_grant, window

pytestmark = pytest.mark.django_db

URL = "http://127.0.0.1:9/cam/x/snapshot.jpg"  # never fetched here


@pytest.fixture
def cams(world: Any) -> dict[str, Camera]:
    return {
        "gate": make_camera(world, "KPU Gerbang", URL),
        "yard": make_camera(world, "KPU Halaman", URL),
        "private": make_camera(world, "Ruang Rapat Pleno", URL, private_area=True),
        "own": make_camera(world, "Polres A Halaman", URL, agency=None),
    }


def form_data(world: Any, chosen: list[Camera], **changes: Any) -> dict[str, Any]:
    span = window()
    data = {
        "unit": world.polres_a.pk, "agency": world.kpu_a.pk, "letter_number": "B/77/XI/2026/Bag Ops",
        "letter_date": span["letter_date"].isoformat(), "purpose": "Pengamanan rekapitulasi",
        "valid_from": timezone.localtime(span["valid_from"]).strftime("%Y-%m-%dT%H:%M"),
        "valid_until": timezone.localtime(span["valid_until"]).strftime("%Y-%m-%dT%H:%M"),
        "cameras": [c.pk for c in chosen],
    }
    data.update(changes)
    return data


def api_data(world: Any, chosen: list[Camera], **changes: Any) -> dict[str, Any]:
    span = window()
    data = {"agency": world.kpu_a.pk, "letter_number": "B/78/XI/2026/Bag Ops",
            "letter_date": span["letter_date"].isoformat(), "purpose": "Pengamanan gudang",
            "valid_from": span["valid_from"].isoformat(), "valid_until": span["valid_until"].isoformat(),
            "cameras": [c.pk for c in chosen]}
    data.update(changes)
    return data


# The request -----------------------------------------------------------------------------------------

def test_police_file_a_request_through_the_form(world: Any, cams: dict[str, Camera]) -> None:
    client = world.client("ops_a")
    page = client.get(reverse("cameras:grant_create") + f"?agency={world.kpu_a.pk}")
    assert page.status_code == 200
    assert b"KPU Gerbang" in page.content
    assert b"disabled" in page.content  # the private-area camera is shown, not tickable

    response = client.post(reverse("cameras:grant_create"), form_data(world, [cams["gate"], cams["yard"]]))
    grant = AccessGrant.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("cameras:grant", args=[grant.pk])
    assert grant.status == choices.GrantStatus.REQUESTED
    assert set(grant.requested_cameras.all()) == {cams["gate"], cams["yard"]}
    assert not grant.cameras.exists() and not grant.is_active()


@pytest.mark.parametrize("case", ["private", "before_letter", "ends_before_start", "too_long", "foreign",
                                  "unknown_agency", "own_camera", "future_letter"])
def test_a_bad_request_is_a_form_error_and_stores_nothing(world: Any, cams: dict[str, Camera], case: str) -> None:
    now = timezone.localtime()
    fmt = "%Y-%m-%dT%H:%M"
    changes: dict[str, Any] = {
        "private": {"cameras": [cams["gate"].pk, cams["private"].pk]},
        "before_letter": {"letter_date": (now + dt.timedelta(days=0)).date().isoformat(),
                          "valid_from": (now - dt.timedelta(days=3)).strftime(fmt)},
        "ends_before_start": {"valid_until": (now - dt.timedelta(hours=1)).strftime(fmt)},
        "too_long": {"valid_until": (now + dt.timedelta(days=200)).strftime(fmt)},
        "foreign": {},
        "unknown_agency": {"agency": 987654},
        "own_camera": {"cameras": [cams["own"].pk]},
        "future_letter": {"letter_date": (now + dt.timedelta(days=3)).date().isoformat()},
    }[case]
    if case == "foreign":
        from tests.factories import AgencyFactory

        bawaslu = AgencyFactory(name="Bawaslu Kota Blitar")
        changes = {"agency": bawaslu.pk}
    response = world.client("ops_a").post(reverse("cameras:grant_create"),
                                          form_data(world, [cams["gate"]], **changes))
    assert response.status_code == 200
    assert b"Nothing was saved" in response.content
    assert not AccessGrant.objects.exists()
    expected = {
        "private": b"private area", "before_letter": b"before the letter", "ends_before_start": b"must come after",
        "too_long": b"at most 180 days", "foreign": b"do not belong to", "unknown_agency": b"Unknown agency",
        "own_camera": b"not one your unit may ask for", "future_letter": b"cannot be in the future",
    }[case]
    assert expected in response.content


def test_the_api_refuses_a_private_camera_a_bad_window_and_an_unknown_agency(world: Any,
                                                                             cams: dict[str, Camera]) -> None:
    client = world.client("ops_a")
    url = "/api/cameras/grants/"
    private = client.post(url, api_data(world, [cams["private"]]), content_type="application/json")
    assert private.status_code == 400 and "private area" in str(private.json())
    early = client.post(url, api_data(world, [cams["gate"]], letter_date=(
        timezone.localdate() + dt.timedelta(days=0)).isoformat(), valid_from=(
        timezone.now() - dt.timedelta(days=2)).isoformat()), content_type="application/json")
    assert early.status_code == 400 and "valid_from" in early.json()
    unknown = client.post(url, api_data(world, [cams["gate"]], agency=424242), content_type="application/json")
    assert unknown.status_code == 400 and "Unknown agency" in str(unknown.json())
    # A camera the unit does not know of reads as missing, not as someone else's.
    outsider = make_camera(world, "KPU Jember", URL, unit=world.polres_b, site=world.site_b)
    hidden = client.post(url, api_data(world, [outsider]), content_type="application/json")
    assert hidden.status_code == 400 and "not one your unit may ask for" in str(hidden.json())
    assert not AccessGrant.objects.exists()

    ok = client.post(url, api_data(world, [cams["gate"]]), content_type="application/json")
    assert ok.status_code == 201, ok.json()
    assert ok.json()["status"] == "requested" and ok.json()["requested_cameras"] == [cams["gate"].pk]
    again = client.post(url, api_data(world, [cams["gate"]]), content_type="application/json")
    assert again.status_code == 400 and "letter_number" in again.json()


def test_only_operations_staff_or_a_commander_file_requests(world: Any, cams: dict[str, Camera]) -> None:
    assert world.client("officer_a").get(reverse("cameras:grant_create")).status_code == 403
    assert world.client("liaison").get(reverse("cameras:grant_create")).status_code == 403
    response = world.client("officer_a").post("/api/cameras/grants/", api_data(world, [cams["gate"]]),
                                              content_type="application/json")
    assert response.status_code == 403
    assert not AccessGrant.objects.exists()


# The decision ----------------------------------------------------------------------------------------

def test_liaison_approves_fewer_cameras_through_the_page(world: Any, cams: dict[str, Camera]) -> None:
    grant = request_grant(world, [cams["gate"], cams["yard"]])
    client = world.client("liaison")
    page = client.get(reverse("cameras:grant", args=[grant.pk]))
    assert page.status_code == 200 and b"approve-form" in page.content
    response = client.post(reverse("cameras:grant_approve", args=[grant.pk]),
                           {"cameras": [cams["yard"].pk], "note": "Hanya halaman"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == choices.GrantStatus.APPROVED and grant.is_active()
    assert list(grant.cameras.all()) == [cams["yard"]]
    assert grant.decided_by == world.users["liaison"]
    visible = set(Camera.objects.visible_to(world.users["ops_a"]))
    assert cams["yard"] in visible and cams["gate"] not in visible


def test_approving_a_camera_that_was_not_asked_for_is_refused(world: Any, cams: dict[str, Camera]) -> None:
    grant = request_grant(world, [cams["gate"]])
    api = world.client("liaison").post(f"/api/cameras/grants/{grant.pk}/approve/",
                                       {"cameras": [cams["yard"].pk]}, content_type="application/json")
    assert api.status_code == 400
    page = world.client("liaison").post(reverse("cameras:grant_approve", args=[grant.pk]),
                                        {"cameras": [cams["yard"].pk]})
    assert page.status_code == 400
    grant.refresh_from_db()
    assert grant.status == choices.GrantStatus.REQUESTED and not grant.cameras.exists()


def test_a_camera_made_private_after_the_request_cannot_be_approved(world: Any, cams: dict[str, Camera]) -> None:
    grant = request_grant(world, [cams["gate"]])
    Camera.objects.filter(pk=cams["gate"].pk).update(private_area=True)
    response = world.client("liaison").post(f"/api/cameras/grants/{grant.pk}/approve/", {},
                                            content_type="application/json")
    assert response.status_code == 400 and "private area" in str(response.json())
    grant.refresh_from_db()
    assert grant.status == choices.GrantStatus.REQUESTED


def test_police_cannot_decide_and_liaison_cannot_withdraw(world: Any, cams: dict[str, Camera]) -> None:
    grant = request_grant(world, [cams["gate"]])
    assert world.client("ops_a").post(reverse("cameras:grant_approve", args=[grant.pk])).status_code == 403
    assert world.client("ops_a").post(f"/api/cameras/grants/{grant.pk}/approve/").status_code == 403
    assert world.client("liaison").post(reverse("cameras:grant_withdraw", args=[grant.pk])).status_code == 403
    grant.refresh_from_db()
    assert grant.status == choices.GrantStatus.REQUESTED


def test_reject_revoke_and_withdraw(world: Any, cams: dict[str, Camera]) -> None:
    liaison = world.client("liaison")
    first = request_grant(world, [cams["gate"]], letter="L/1")
    no_reason = liaison.post(reverse("cameras:grant_reject", args=[first.pk]), {"note": " "})
    assert no_reason.status_code == 400
    assert liaison.post(reverse("cameras:grant_reject", args=[first.pk]),
                        {"note": "Tidak ada surat tembusan"}).status_code == 302
    first.refresh_from_db()
    assert first.status == choices.GrantStatus.REJECTED

    second = approved_grant(world, [cams["gate"]], letter="L/2")
    assert liaison.post(f"/api/cameras/grants/{second.pk}/revoke/", {}, content_type="application/json"
                        ).status_code == 400
    response = liaison.post(reverse("cameras:grant_revoke", args=[second.pk]), {"reason": "Tahapan selesai"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == choices.GrantStatus.REVOKED and not second.is_active()
    assert second.revoked_by == world.users["liaison"] and second.revoke_reason == "Tahapan selesai"
    # A revoked grant cannot be revoked or approved again.
    assert liaison.post(f"/api/cameras/grants/{second.pk}/approve/", {}, content_type="application/json"
                        ).status_code == 400

    third = request_grant(world, [cams["gate"]], letter="L/3")
    assert world.client("ops_a").post(reverse("cameras:grant_withdraw", args=[third.pk])).status_code == 302
    third.refresh_from_db()
    assert third.status == choices.GrantStatus.WITHDRAWN


def test_outsiders_get_404_for_every_grant_endpoint(world: Any, cams: dict[str, Camera]) -> None:
    from sites.choices import Role
    from tests.factories import AgencyFactory, UserFactory

    grant = request_grant(world, [cams["gate"]])
    other = AgencyFactory(name="Bawaslu Kota Blitar")
    UserFactory(username="liaison_bawaslu", membership={"role": Role.LIAISON, "agency": other})
    world.users["liaison_bawaslu"] = type(world.users["liaison"]).objects.get(username="liaison_bawaslu")
    pages = [reverse(f"cameras:{name}", args=[grant.pk])
             for name in ("grant", "grant_approve", "grant_reject", "grant_revoke", "grant_withdraw")]
    api = [f"/api/cameras/grants/{grant.pk}/{suffix}" for suffix in ("", "approve/", "reject/", "revoke/",
                                                                       "withdraw/")]
    for who in ("ops_b", "liaison_bawaslu"):
        client = world.client(who)
        for url in pages:
            assert client.get(url).status_code == 404, (who, url)
        for url in pages[1:]:
            assert client.post(url, {"reason": "x", "note": "x"}).status_code == 404, (who, url)
        assert client.get(api[0]).status_code == 404
        for url in api[1:]:
            assert client.post(url, {"reason": "x", "note": "x"}, content_type="application/json"
                               ).status_code == 404, (who, url)
        assert client.get("/api/cameras/grants/").json()["count"] == 0
    grant.refresh_from_db()
    assert grant.status == choices.GrantStatus.REQUESTED


def test_grant_lists_show_pending_first(world: Any, cams: dict[str, Camera]) -> None:
    approved_grant(world, [cams["gate"]], letter="L/old")
    request_grant(world, [cams["yard"]], letter="L/new-pending")
    page = world.client("liaison").get(reverse("cameras:grants"))
    assert page.status_code == 200
    content = page.content.decode()
    assert content.index("L/new-pending") < content.index("L/old")
    assert world.client("ops_a").get(reverse("cameras:grants")).status_code == 200
    assert "L/old" not in world.client("ops_b").get(reverse("cameras:grants")).content.decode()


def test_every_change_announces_grant_changed_after_commit(world: Any, cams: dict[str, Camera],
                                                           django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        grant = request_grant(world, [cams["gate"], cams["yard"]])
    with django_capture_on_commit_callbacks(execute=True):
        grants.do_approve_grant(world.users["liaison"], grant, cameras=[cams["gate"]])
    with django_capture_on_commit_callbacks(execute=True):
        grants.do_revoke_grant(world.users["liaison"], grant, reason="Selesai")
    events = list(LiveEvent.objects.filter(kind="grant.changed").order_by("pk"))
    assert [e.payload["status"] for e in events] == ["requested", "approved", "revoked"]
    assert events[-1].payload["camera_ids"] == [cams["gate"].pk]
    assert events[-1].unit_path == world.polres_a.path and events[-1].agency_id == world.kpu_a.pk


def test_a_failed_change_announces_nothing(world: Any, cams: dict[str, Camera],
                                           django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        request_grant(world, [cams["private"]])
    assert not LiveEvent.objects.filter(kind="grant.changed").exists()


def test_grant_lists_and_the_log_take_the_same_queries_as_rows_grow(world: Any, cams: dict[str, Camera]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cameras.actions.viewing import open_camera

    def counts() -> list[int]:
        result = []
        for url in (reverse("cameras:grants"), "/api/cameras/grants/", reverse("cameras:accesslog"),
                    "/api/cameras/access-log/", reverse("cameras:accesslog_export")):
            client = world.client("liaison")
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
                if hasattr(response, "streaming_content"):
                    b"".join(response.streaming_content)
            assert response.status_code == 200, url
            result.append(len(queries))
        return result

    def add(n: int, start: int) -> None:
        for i in range(start, start + n):
            approved_grant(world, [cams["gate"], cams["yard"]], letter=f"Q/{i}")
            open_camera(world.users["ops_a"], cams["gate"].pk, choices.AccessAction.VIEW_CAMERA)

    add(2, 0)
    few = counts()
    add(8, 2)
    assert counts() == few
