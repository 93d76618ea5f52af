"""The ops room's own pages."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from sites.choices import Role
from sites.models import Scope


@login_required
def home(request: HttpRequest) -> HttpResponse:
    # A commander's first question is "where is what, right now": the map answers it.
    if Scope.of(request.user).role == Role.COMMANDER:
        return redirect("map")
    return redirect("sites:list")
