"""Head tags for search engines and link previews: canonical address, Open Graph,
Twitter card and schema.org JSON-LD, all derived from the page's object."""

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext

from catalogue.models import Performer, Song, Work
from opendata import jsonld

register = template.Library()

OG_LOCALES = {"en": "en_GB", "ko": "ko_KR"}


def canonical_path(context):
    """A view's own ``canonical_url``, else the object's address, else the path
    (with ?page= past the first page, so each page of a list is its own)."""
    if context.get("canonical_url"):
        return context["canonical_url"]
    obj = context.get("object")
    if obj is not None and hasattr(obj, "get_absolute_url"):
        return obj.get_absolute_url()
    request = context["request"]
    page = context.get("page_obj")
    if page is not None and page.number > 1:
        return f"{request.path}?page={page.number}"
    return request.path


def _describe(obj):
    if isinstance(obj, Work):
        return obj.summary, "video.movie" if obj.kind in jsonld.FILM_KINDS else "video.tv_show"
    if isinstance(obj, Song):
        return obj.about, "music.song"
    if isinstance(obj, Performer):
        return obj.bio, "profile"
    return "", "website"


def _title(obj):
    if isinstance(obj, Song) and obj.work_id:
        return f"{obj.title} — {obj.work.title}"
    return str(obj)


@register.simple_tag(takes_context=True)
def page_meta(context):
    request = context["request"]
    obj = context.get("object")
    description, og_type = _describe(obj) if obj is not None else ("", "website")
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    return {
        "url": request.build_absolute_uri(canonical_path(context)),
        "title": _title(obj) if obj is not None else context.get("page_title") or settings.SITE_NAME,
        "description": Truncator(description).words(40)
        or gettext("A timeline of Korean drama and film soundtracks: the songs that outlived their stories."),
        "type": og_type,
        "locale": OG_LOCALES.get(language, OG_LOCALES["en"]),
        "alternate_locales": [locale for code, locale in OG_LOCALES.items() if code != language],
    }


def _script(data):
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(jsonld.dumps(data)))  # noqa: S308


@register.simple_tag(takes_context=True)
def jsonld_for(context, obj=None):
    """The page object's JSON-LD block; on the home page, the WebSite with its search."""
    request = context["request"]
    if obj:
        data = jsonld.data_for(obj, request.build_absolute_uri)
        return _script(data) if data else ""
    if request.path == reverse("catalogue:timeline"):
        home = request.build_absolute_uri(reverse("catalogue:timeline"))
        return _script(jsonld.website_data(home, request.build_absolute_uri(reverse("catalogue:search"))))
    return ""
