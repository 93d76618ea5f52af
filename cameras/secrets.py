"""Camera credentials, encrypted at rest with Fernet; decrypted only where a frame is fetched.

Nothing here returns credentials to a page or an API: serializers and forms take them write-only
and show only whether a camera has them.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.dispatch import receiver
from django.test.signals import setting_changed


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    def __repr__(self) -> str:  # never in a log or a traceback
        return "Credentials(***)"


class CredentialsUnreadable(Exception):
    """The stored token does not decrypt with any configured key (a key was dropped too early)."""


@cache
def _keys() -> tuple[Fernet, ...]:
    """The configured keys, newest first."""
    keys = list(settings.CAMERA_CREDENTIAL_KEYS)
    if not keys:
        # Embedded default only (production refuses to start without keys).
        derived = hashlib.sha256(b"opsroom-camera-credentials:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return tuple(Fernet(key.encode()) for key in keys)


@cache
def _fernet() -> MultiFernet:
    return MultiFernet(list(_keys()))


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: object) -> None:
    if setting in ("CAMERA_CREDENTIAL_KEYS", "SECRET_KEY"):
        _keys.cache_clear()
        _fernet.cache_clear()


def seal(credentials: Credentials | None) -> str:
    """The text to store in ``Camera.credentials``; empty for a camera without credentials."""
    if credentials is None or not (credentials.username or credentials.password):
        return ""
    plain = json.dumps({"u": credentials.username, "p": credentials.password}).encode()
    return _fernet().encrypt(plain).decode()


def reseal(token: str) -> str | None:
    """``token`` sealed again with the newest key, or None if the newest key already opens it.
    Raises CredentialsUnreadable if no configured key does."""
    try:
        _keys()[0].decrypt(token.encode())
        return None
    except InvalidToken:
        pass
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise CredentialsUnreadable("camera credentials do not decrypt with the configured keys") from exc


def unseal(token: str) -> Credentials | None:
    if not token:
        return None
    try:
        data = json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise CredentialsUnreadable("camera credentials do not decrypt with the configured keys") from exc
    return Credentials(username=data["u"], password=data["p"])
