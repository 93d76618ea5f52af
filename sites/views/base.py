"""What every staff page shares: login, and rows only through the model's ``visible_to(user)``."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.db.models import QuerySet


class ScopedViewMixin(LoginRequiredMixin):
    """List and detail pages see only what the user may see; anything else is a 404."""

    model: Any
    request: Any

    def get_queryset(self) -> QuerySet[Any]:
        return self.model.objects.visible_to(self.request.user)
