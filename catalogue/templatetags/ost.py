"""Presentational helpers for the catalogue's templates: dates as precise as we
know them, and the numbers behind the server-drawn charts."""

from django import template
from django.urls import reverse
from django.utils import formats

register = template.Library()

# Localised formats, so Korean pages get "2024년 4월" where English gets "April 2024".
_PRECISION_FORMATS = {"day": "DATE_FORMAT", "month": "YEAR_MONTH_FORMAT", "year": "Y"}


@register.filter
def partial_date(value, precision="day"):
    """A date shown only as precisely as it is known: 25 Feb 2016, April 2024, or 2024."""
    if not value:
        return ""
    return formats.date_format(value, _PRECISION_FORMATS.get(precision, "DATE_FORMAT"))


def _percent(value, largest):
    # Never a zero-width bar for a non-zero value: 2% keeps a sliver visible.
    if not value or not largest:
        return 0
    return max(2, round(100 * value / largest))


@register.simple_tag
def chart_rows(rows, kind):
    """Rows of (label, link, works, songs) with bar lengths in percent, for the
    table charts on the era pages. `kind` is "year", "decade" or "network"."""
    rows = list(rows)
    most_works = max((row.get("works") or 0 for row in rows), default=0)
    most_songs = max((row.get("song_count") or 0 for row in rows), default=0)
    result = []
    for row in rows:
        if kind == "year":
            label, url = row["year"], reverse("catalogue:era-year", kwargs={"year": row["year"]})
        elif kind == "decade":
            label, url = f"{row['decade']}s", reverse("catalogue:era-decade", kwargs={"decade": row["decade"]})
        else:
            label = row["network__name"]
            url = reverse("catalogue:work-list") + f"?network={row['network__slug']}"
        result.append(
            {
                "label": label,
                "url": url,
                "works": row.get("works") or 0,
                "songs": row.get("song_count"),
                "works_pct": _percent(row.get("works"), most_works),
                "songs_pct": _percent(row.get("song_count"), most_songs),
            }
        )
    return result


@register.simple_tag
def year_columns(by_year, height=60):
    """Columns for the all-years chart: every year from first to last, empty years
    included, so gaps in the catalogue show as gaps."""
    counts = {row["year"]: row["works"] for row in by_year}
    if not counts:
        return {"columns": [], "width": 0, "height": height}
    first, last = min(counts), max(counts)
    most = max(counts.values())
    columns = []
    for index, year in enumerate(range(first, last + 1)):
        value = counts.get(year, 0)
        bar = round((height - 4) * value / most) if value else 0
        columns.append(
            {
                "year": year,
                "works": value,
                "x": index * 10 + 1,
                "y": height - bar,
                "height": bar,
                "decade": year % 10 == 0,
            }
        )
    return {"columns": columns, "width": (last - first + 1) * 10, "height": height, "first": first, "last": last}
