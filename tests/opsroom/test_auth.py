"""Logging in: the TOTP second factor for privileged roles, lockout after wrong passwords, session expiry."""

import re
import time

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import World
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

second_factor_for_commanders = override_settings(OPSROOM_SECOND_FACTOR_ROLES=["commander"])


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code an authenticator app shows now (or that many 30-second steps later)."""
    if not steps_ahead:
        return f"{totp(device.bin_key):06d}"
    clock = TOTP(device.bin_key, step=device.step)
    clock.time = time.time() + steps_ahead * device.step
    return f"{clock.token():06d}"


def enrolled_device(world: World, who: str = "commander") -> TOTPDevice:
    return TOTPDevice.objects.create(user=world.users[who], name="Opsroom", confirmed=True)


# Second factor -----------------------------------------------------------------------------------

@second_factor_for_commanders
def test_commander_enrols_then_reaches_pages_and_api(world: World) -> None:
    client = world.client("commander")

    response = client.get("/sites/")
    assert response.status_code == 302
    assert response["Location"] == "/account/two-factor/?next=/sites/"
    api = client.get("/api/sites/")
    assert api.status_code == 403
    assert "/account/two-factor/" in api.json()["detail"]

    page = client.get("/account/two-factor/?next=/sites/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html and "<?xml" not in html
    device = TOTPDevice.objects.get(user=world.users["commander"])
    assert not device.confirmed
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html)
    assert secret is not None and len(secret.group(1).replace(" ", "")) == 32
    # Reloading keeps the same device, so a half-done scan stays valid.
    client.get("/account/two-factor/")
    assert TOTPDevice.objects.filter(user=world.users["commander"]).count() == 1

    response = client.post("/account/two-factor/", {"token": code_for(device), "next": "/sites/"})
    assert response.status_code == 302
    assert response["Location"] == "/sites/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/sites/").status_code == 200
    assert client.get("/api/sites/").status_code == 200


@second_factor_for_commanders
def test_enrolled_commander_gives_a_code_without_seeing_the_secret(world: World) -> None:
    device = enrolled_device(world)
    client = world.client("commander")

    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    assert b"<svg" not in page.content and b"totp-secret" not in page.content

    response = client.post("/account/two-factor/", {"token": code_for(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/api/sites/").status_code == 200
    # Once verified the page just sends the user on.
    assert client.get("/account/two-factor/?next=/sites/")["Location"] == "/sites/"


@second_factor_for_commanders
@override_settings(OTP_TOTP_THROTTLE_FACTOR=60)
def test_wrong_code_is_refused_and_guessing_is_throttled(world: World) -> None:
    device = enrolled_device(world)
    client = world.client("commander")
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"

    response = client.post("/account/two-factor/", {"token": wrong, "next": "/sites/"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]
    assert client.get("/api/sites/").status_code == 403

    # Right after a wrong guess even the right code has to wait out the back-off.
    response = client.post("/account/two-factor/", {"token": code_for(device, steps_ahead=1)})
    assert response.status_code == 200
    wait = re.search(r"\d+", response.context["form"].errors["token"][0])
    assert wait is not None and 50 <= int(wait.group()) <= 60
    assert client.get("/api/sites/").status_code == 403
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


@second_factor_for_commanders
def test_malformed_code_is_a_form_error(world: World) -> None:
    response = world.client("commander").post("/account/two-factor/", {"token": "12ab"})
    assert response.status_code == 200
    assert response.context["form"].errors["token"]


@second_factor_for_commanders
@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_next_must_stay_on_this_site(world: World, target: str) -> None:
    device = enrolled_device(world)
    response = world.client("commander").post("/account/two-factor/", {"token": code_for(device), "next": target})
    assert response.status_code == 302
    assert response["Location"] == "/"


@second_factor_for_commanders
def test_operations_staff_are_not_asked(world: World) -> None:
    client = world.client("ops_a")
    assert client.get("/sites/").status_code == 200
    assert client.get("/api/sites/").status_code == 200


def test_two_factor_page_needs_a_login() -> None:
    response = Client().get("/account/two-factor/")
    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


# Passwords and sessions --------------------------------------------------------------------------

def test_wrong_passwords_lock_that_username_only(world: World) -> None:
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post("/account/login/", {"username": "ops_a", "password": "wrong-password"})
        assert response.status_code == 200  # the form again, with its error
        assert response.context["form"].errors
    # The failure that reaches the limit is answered with the lockout page already.
    response = client.post("/account/login/", {"username": "ops_a", "password": "wrong-password"})
    assert response.status_code in {403, 429}

    locked = client.post("/account/login/", {"username": "ops_a", "password": PASSWORD})
    assert locked.status_code in {403, 429}
    assert "registration/locked_out.html" in [t.name for t in locked.templates]
    assert "_auth_user_id" not in client.session

    other = Client()
    response = other.post("/account/login/", {"username": "ops_b", "password": PASSWORD})
    assert response.status_code == 302
    assert other.session["_auth_user_id"] == str(world.users["ops_b"].pk)


def test_fewer_wrong_passwords_do_not_lock(world: World) -> None:
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/account/login/", {"username": "ops_a", "password": "wrong-password"})
    response = client.post("/account/login/", {"username": "ops_a", "password": PASSWORD})
    assert response.status_code == 302


def test_session_expires_after_the_configured_age(world: World) -> None:
    client = Client()
    response = client.post("/account/login/", {"username": "ops_a", "password": PASSWORD})
    assert response.status_code == 302
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert not client.session.get_expire_at_browser_close()
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == settings.SESSION_COOKIE_AGE
    assert cookie["httponly"]


@pytest.mark.parametrize(("language", "heading"), [("en", "Log in to Opsroom"), ("id", None)])
def test_login_page_is_translatable_and_fits_a_phone(language: str, heading: str | None) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/account/login/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    if heading:
        assert heading in html
