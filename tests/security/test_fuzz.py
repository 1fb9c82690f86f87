"""Hypothesis-generated query strings and path segments against every public URL
in catalogue.urls and opendata.urls (discovered at test time, so new pages are fuzzed too): no 5xx,
no markup reflected unescaped, unknown slugs give 404.

The number of cases tried (CASES) is printed at the end of the run and written to
test-artifacts/fuzz-cases.json by pytest_terminal_summary in tests/security/conftest.py."""

import re
from collections import Counter
from urllib.parse import quote, urlencode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import build_catalogue

pytestmark = pytest.mark.django_db

EXAMPLES = 30  # per URL pattern and kind of fuzzing; keeps the suite's time bounded
CASES = Counter()
PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg/onload=alert(1)>",
    "javascript:alert(1)",
    "</title><h1>injected</h1>",
]
MARKUP_PAYLOADS = [p for p in PAYLOADS if "<" in p]
PARAMETERS = ["q", "page", "kind", "network", "year", "year_min", "year_max", "decade", "performer", "sort", "o"]
PARAMETERS += ["format", "lang", "language", "next", "type", "status", "role", "letter", "per_page", "sitemap"]
FUZZ_HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


PUBLIC_NAMESPACES = {"catalogue", "opendata"}  # the visitor pages and the open data


def public_patterns():
    """(name, route, converters) for every URL of the public namespaces."""
    found = []

    def walk(patterns, prefix, namespace):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern), entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace in PUBLIC_NAMESPACES:
                found.append((entry.name, prefix + str(entry.pattern), dict(entry.pattern.converters)))

    walk(get_resolver().url_patterns, "/", None)
    return found


PATTERNS = public_patterns()


def route_to_path(route, values):
    path = route
    for name, value in values.items():
        path = re.sub(r"<(?:\w+:)?" + name + r">", str(value), path)
    return path


def valid_values(converters, catalogue):
    values = {}
    for name, converter in converters.items():
        kind = type(converter).__name__
        if name == "slug":
            values[name] = catalogue["slug"]
        elif name == "decade":
            values[name] = 2010
        elif name == "year":
            values[name] = 2016
        elif kind == "IntConverter":
            values[name] = 1
        elif name == "section":
            from opendata.sitemaps import SITEMAPS

            values[name] = next(iter(SITEMAPS))
        else:
            values[name] = "works"
    return values


@pytest.fixture
def catalogue():
    work = build_catalogue(2)[0]
    song = work.songs.get()
    return {"work": work, "song": song, "performer": song.performers.first(), "slug": work.slug}


def concrete_path(name, route, converters, catalogue):
    values = valid_values(converters, catalogue)
    if "slug" in converters:
        owner = {"work": "work", "song": "song", "performer": "performer"}
        for key, kind in owner.items():
            if key in name:
                values["slug"] = catalogue[kind].slug
    return route_to_path(route, values)


def assert_safe(response, label):
    assert response.status_code < 500, (label, response.status_code)
    content_type = response.headers.get("Content-Type", "")
    if response.streaming or not any(t in content_type for t in ("html", "xml")):
        return
    body = response.content
    for payload in MARKUP_PAYLOADS:
        assert payload.encode() not in body, (label, payload)


text_values = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "%", "\x00", "🎵", "드라마", "a" * 3000]),
    st.builds(lambda t, p: t + p, st.text(max_size=10), st.sampled_from(PAYLOADS)),
)
query_strings = st.one_of(
    st.lists(st.tuples(st.sampled_from(PARAMETERS) | st.text(max_size=12), text_values), max_size=6).map(urlencode),
    # Malformed query strings, sent as they are.
    st.text(alphabet="%&=;+?#<>\"' abcZ0123456789", max_size=40),
    st.sampled_from(["%", "%zz", "&&&", "=&=", "page=%00", "q=%ff%fe", "q=%E2%80", "a[]=1&a[]=2", "page=1&page=2"]),
)


@pytest.mark.parametrize(("name", "route", "converters"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_query_strings(client, catalogue, name, route, converters):
    path = concrete_path(name, route, converters, catalogue)
    assert client.get(path).status_code in (200, 301, 302), path

    @FUZZ_HYPOTHESIS
    @given(query=query_strings)
    def fuzz(query):
        CASES["query strings"] += 1
        assert_safe(client.get(f"{path}?{query}"), f"{path}?{query}")

    fuzz()


FACTORY_SLUG = re.compile(r"^(work|song|performer|network|source|milestone)-\d+$")
SLUG_PATTERNS = [p for p in PATTERNS if p[2]]
segments = st.one_of(
    st.from_regex(r"\A[a-z0-9-]{1,60}\Z"),
    st.text(min_size=1, max_size=40),
    st.sampled_from(PAYLOADS),
)


@pytest.mark.parametrize(("name", "route", "converters"), SLUG_PATTERNS, ids=[p[0] for p in SLUG_PATTERNS])
def test_unknown_path_segments_give_404(client, catalogue, name, route, converters):
    known = {
        catalogue["slug"],
        catalogue["song"].slug,
        catalogue["performer"].slug,
    }

    @FUZZ_HYPOTHESIS
    @given(segment=segments)
    def fuzz(segment):
        if segment in known or segment.strip(".") == "" or FACTORY_SLUG.match(segment):
            return
        CASES["path segments"] += 1
        values = dict.fromkeys(converters, quote(segment, safe=""))
        path = route_to_path(route, values)
        response = client.get(path)
        assert_safe(response, path)
        if all(type(c).__name__ in ("SlugConverter", "StringConverter") for c in converters.values()):
            assert response.status_code == 404, (path, response.status_code)

    fuzz()


@FUZZ_HYPOTHESIS
@given(segment=segments, prefix=st.sampled_from(["/", "/works/", "/songs/", "/performers/", "/data/", "/eras/"]))
def test_unknown_paths_give_404(client, db, prefix, segment):
    CASES["unknown paths"] += 1
    path = prefix + quote(segment, safe="") + "/"
    response = client.get(path, follow=True)
    assert_safe(response, path)
    assert response.status_code in (200, 404), path
