"""Register the admin pages of the apps Opsroom uses (see the note on SimpleAdminConfig in settings)."""

import importlib

ADMIN_MODULES = [
    "django.contrib.auth.admin",
    "axes.admin",
    "django_otp.plugins.otp_totp.admin",
    "sites.admin",
    "cameras.admin",
    "patrols.admin",
]


def register_all() -> None:
    for module in ADMIN_MODULES:
        importlib.import_module(module)
