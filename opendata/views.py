"""Open data and what crawlers read: the downloads page, the JSON and CSV exports,
robots.txt. Feeds and sitemaps are Django's own views (opendata/urls.py)."""

from django.views.generic import TemplateView, View

from . import exports


class OpenDataView(TemplateView):
    """The open-data page: what can be downloaded, its schema and its licence."""

    template_name = "opendata/open_data.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            schema_version=exports.SCHEMA_VERSION,
            licence=exports.LICENCE,
            tables=exports.CSV_TABLES,
            json_fields=exports.JSON_FIELDS,
        )
        return context


def catalogue_json(request):
    return exports.json_response(request)


class CsvExportView(View):
    table = None

    def get(self, request, *args, **kwargs):
        return exports.csv_response(request, self.table)


class RobotsView(TemplateView):
    template_name = "robots.txt"
    content_type = "text/plain; charset=utf-8"
