"""RSS and Atom feeds of newly published works, newest first (drafts never appear)."""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import linebreaks
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from catalogue.models import Work

FEED_SIZE = 30

# XML 1.0 forbids most control characters; one pasted into a title must not turn
# the whole feed into a server error.
_XML_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text):
    return _XML_UNSAFE.sub("", text or "")


class LatestWorksFeed(Feed):
    link = reverse_lazy("catalogue:timeline")
    feed_url = reverse_lazy("opendata:feed-rss")
    description = _("Korean dramas and films added to the soundtrack timeline, newest first.")

    def title(self):
        return _("%(site)s: newly published works") % {"site": settings.SITE_NAME}

    def items(self):
        return (
            Work.objects.published()
            .filter(published_at__isnull=False)
            .with_music()
            .order_by("-published_at", "-pk")[:FEED_SIZE]
        )

    def item_title(self, item):
        title = f"{item.title} ({item.year})"
        if item.title_ko:
            title = f"{item.title} · {item.title_ko} ({item.year})"
        return xml_safe(title)

    def item_description(self, item):
        songs = ", ".join(
            f"“{song.title}” ({', '.join(credit.performer.name for credit in song.credit_list)})"
            for song in item.signature_songs
        )
        parts = [Truncator(item.summary).words(60), songs]
        # Feed readers render a description as HTML: our plain text goes in escaped,
        # in paragraphs, so markup typed into a summary shows as text there too.
        return linebreaks(xml_safe("\n\n".join(part for part in parts if part)), autoescape=True)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [str(item.get_kind_display()), str(item.year)]


class LatestWorksAtomFeed(LatestWorksFeed):
    feed_type = Atom1Feed
    feed_url = reverse_lazy("opendata:feed-atom")
    subtitle = LatestWorksFeed.description
