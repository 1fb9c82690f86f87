from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalogue"
    verbose_name = _("Catalogue")

    def ready(self):
        from django.db.models.signals import post_migrate

        from search.sqlite_fts import ensure_search_index

        from . import signals  # noqa: F401  (connects the receivers)

        post_migrate.connect(ensure_search_index, sender=self, dispatch_uid="catalogue-sqlite-search-index")
