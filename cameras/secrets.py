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


@dataclass(frozen=True)
class Credentials:
    username: str
    password: str

    def __repr__(self) -> str:  # never in a log or a traceback
        return "Credentials(***)"


class CredentialsUnreadable(Exception):
    """The stored token does not decrypt with any configured key (a key was dropped too early)."""


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.CAMERA_CREDENTIAL_KEYS)
    if not keys:
        # Embedded default only (production refuses to start without keys).
        derived = hashlib.sha256(b"opsroom-camera-credentials:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(key.encode()) for key in keys])


def seal(credentials: Credentials | None) -> str:
    """The text to store in ``Camera.credentials``; empty for a camera without credentials."""
    if credentials is None or not (credentials.username or credentials.password):
        return ""
    plain = json.dumps({"u": credentials.username, "p": credentials.password}).encode()
    return _fernet().encrypt(plain).decode()


def unseal(token: str) -> Credentials | None:
    if not token:
        return None
    try:
        data = json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise CredentialsUnreadable("camera credentials do not decrypt with the configured keys") from exc
    return Credentials(username=data["u"], password=data["p"])
