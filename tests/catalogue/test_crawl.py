"""A visitor's crawl of the whole site, in English and in Korean: from the home page,
every internal link answers (no 404, no 5xx), and no two pages share a <title>.

Links are followed breadth first over the seed catalogue, as a search engine would
(the page's own links, not guessed URLs). Static files, the admin, feeds and data
downloads are checked to answer but not parsed for links or titles.
"""

import html
import re
from collections import deque
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from django.conf import settings

HREF_RE = re.compile(r'<a\b[^>]*\bhref="([^"]+)"', re.I)
TITLE_RE = re.compile(r"<title>(.*?)</title>", re.S)
NOT_PAGES = (".xml", ".rss", ".atom", ".json", ".csv", ".txt")
MAX_PAGES = 600  # the seed catalogue has about 300 pages; a runaway crawl stops here


def internal_links(page_url, body):
    for href in HREF_RE.findall(body):
        url, _fragment = urldefrag(urljoin(page_url, html.unescape(href)))
        parts = urlsplit(url)
        if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
            continue  # another site: listening searches, sources
        yield parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client, language):
    admin = "/" + settings.ADMIN_URL
    seen, titles, broken = {"/"}, {}, []
    queue = deque(["/"])
    while queue and len(seen) <= MAX_PAGES:
        url = queue.popleft()
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        if response.status_code != 200:
            broken.append((url, response.status_code))
            continue
        path = urlsplit(url).path
        if path.startswith(("/static/", admin)) or path.endswith(NOT_PAGES) or response.streaming:
            continue
        body = response.content.decode()
        title = TITLE_RE.search(body)
        titles.setdefault(html.unescape(title.group(1)) if title else "(no title)", []).append(url)
        for link in internal_links(url, body):
            if link not in seen and not urlsplit(link).path.startswith(admin):
                seen.add(link)
                queue.append(link)
    return seen, titles, broken


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ko"])
def test_every_link_answers_and_every_page_has_its_own_title(client, seeded, language):
    seen, titles, broken = crawl(client, language)
    assert len(seen) > 150, f"the crawl reached only {len(seen)} pages"
    assert len(seen) <= MAX_PAGES, "the crawl did not end: a link generates new URLs"
    assert broken == []
    shared = {title: urls for title, urls in titles.items() if len(urls) > 1}
    assert shared == {}
