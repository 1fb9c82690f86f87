"""The editors' workshop: the admin, its forms, imports and exports, backups."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditingConfig(AppConfig):
    name = "editing"
    verbose_name = _("Editing")
