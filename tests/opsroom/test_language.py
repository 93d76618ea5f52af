"""Bahasa Indonesia is the default; English is one choice away."""

import pytest
from django.test import Client
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_pages_default_to_indonesian(settings: object) -> None:
    settings.LANGUAGE_CODE = "id"  # type: ignore[attr-defined]
    with translation.override("id"):
        page = Client().get("/account/login/").content.decode()
    assert 'lang="id"' in page
    assert "Masuk" in page


def test_an_english_browser_still_gets_indonesian_until_english_is_chosen(settings: object) -> None:
    settings.LANGUAGE_CODE = "id"  # type: ignore[attr-defined]
    page = Client().get("/account/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="id"' in page


def test_english_can_be_chosen(settings: object) -> None:
    settings.LANGUAGE_CODE = "id"  # type: ignore[attr-defined]
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/account/login/"})
    page = client.get("/account/login/").content.decode()
    assert 'lang="en"' in page
    assert "Log in" in page
