"""Second factor: users of the roles in OPSROOM_SECOND_FACTOR_ROLES pass TOTP before anything else."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from sites.models import Scope

# Pages a user who still owes the second factor may reach.
OPEN_PREFIXES = ("/account/", "/static/", "/i18n/", "/healthz", "/favicon.ico")


def second_factor_pending(request: HttpRequest) -> bool:
    user = request.user
    if not user.is_authenticated:
        return False
    required = set(settings.OPSROOM_SECOND_FACTOR_ROLES)
    if not required or Scope.of(user).role not in required:
        return False
    # OTPMiddleware gives the user is_verified().
    return not getattr(user, "is_verified", lambda: False)()


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if second_factor_pending(request) and not request.path.startswith(OPEN_PREFIXES):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": _("Your role needs a second factor: finish it at /account/two-factor/.")},
                    status=403,
                )
            return redirect(f"/account/two-factor/?next={request.get_full_path()}")
        return self.get_response(request)


class LanguageMiddleware:
    """Bahasa Indonesia unless the user chose otherwise (the language cookie set by /i18n/setlang/).

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: an officer's phone
    set to English still gets the posko's language until the officer picks English.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.known = {code for code, _label in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.known else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response
