"""Who is on the other end of a socket: the session's user, checked as the HTTP side checks it."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.http import HttpRequest, HttpResponse
from django_otp.middleware import OTPMiddleware

from opsroom.middleware import second_factor_pending


def live_user(session_key: str | None) -> Any | None:
    """The session's user while the session holds (not logged out, not expired, password not
    changed, user active) and any second factor the role owes has been passed; else None.

    Read fresh from the session store each time, so a socket learns of a revocation too.
    """
    if not session_key:
        return None
    request = HttpRequest()
    request.session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = auth.get_user(request)
    if not user.is_authenticated:
        return None
    request.user = user
    owes_second_factor: list[bool] = []

    def check(verified: HttpRequest) -> HttpResponse:
        owes_second_factor.append(second_factor_pending(verified))
        return HttpResponse()

    # The same middleware the pages run marks the user verified (or not) from the session.
    OTPMiddleware(check)(request)
    return None if owes_second_factor[0] else user
