from typing import Any

from django.http import HttpRequest

from sites.models import Scope


def membership(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"scope": Scope.of(user), "membership": getattr(user, "membership", None)}
