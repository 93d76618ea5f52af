"""Forms of the ops room's own pages."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

_SIX_DIGITS = re.compile(r"\d{6}")


class SecondFactorForm(forms.Form):
    """The six-digit code from an authenticator app; spaces are forgiven, as apps show "123 456"."""

    token = forms.CharField(
        label=_("Six-digit code"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True, "size": 8}
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not _SIX_DIGITS.fullmatch(token):
            raise forms.ValidationError(_("Enter the six digits your authenticator app shows."))
        return token
