"""Account pages: the second factor (TOTP), enrolled on first use and then asked once per session."""

import django_otp
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from opsroom import second_factor
from opsroom.forms import SecondFactorForm


def _next_url(request: HttpRequest) -> str:
    """Where to go afterwards: the asked-for page when it is on this site, else the home page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified():  # type: ignore[union-attr]
        return redirect(_next_url(request))
    device = second_factor.device_for(user)  # type: ignore[arg-type]
    form = SecondFactorForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        check = second_factor.check_code(device, form.cleaned_data["token"])
        if check.device is not None:
            django_otp.login(request, check.device)
            return redirect(_next_url(request))
        form.add_error("token", check.error)
    context = {
        "form": form,
        "next": _next_url(request),
        "enrolling": not device.confirmed,
        "qr_svg": None if device.confirmed else second_factor.qr_code_svg(device),
        "secret": None if device.confirmed else second_factor.secret_base32(device),
    }
    return render(request, "registration/two_factor.html", context)
