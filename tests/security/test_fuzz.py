# ruff: noqa: F811 - fixtures imported from tests.editing.helpers
"""Hypothesis-generated query strings and path segments against every public URL
in catalogue.urls and opendata.urls (discovered at test time, so new pages are fuzzed too): no 5xx,
no markup reflected unescaped, unknown slugs give 404.

The number of cases tried (CASES) is printed at the end of the run and written to
test-artifacts/fuzz-cases.json by pytest_terminal_summary in tests/security/conftest.py."""

import re
from collections import Counter
from urllib.parse import quote, urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from tests.editing.helpers import editor, editor_client  # noqa: F401
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


# Past every integer column: smallint, integer, bigint (SQLite's only integer), and far beyond.
HUGE_NUMBERS = ["32768", "2147483648", "9223372036854775808", "18446744073709551616", "99999999999999999999"]
HUGE_NUMBERS += ["-9223372036854775809", "9" * 400, "1e400", "99999999999"]
huge_numbers = st.one_of(
    st.sampled_from(HUGE_NUMBERS),
    st.integers(min_value=10**9, max_value=10**40).map(str),
    st.integers(min_value=-(10**40), max_value=-(10**9)).map(str),
)
with_nul = st.builds(lambda a, b: a + "\x00" + b, st.text(max_size=8), st.text(max_size=8))
text_values = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    huge_numbers,
    with_nul,
    st.sampled_from(["", " ", "0", "-1", "1e309", "NaN", "%", "\x00", "🎵", "드라마", "a" * 3000]),
    st.builds(lambda t, p: t + p, st.text(max_size=10), st.sampled_from(PAYLOADS)),
)
query_strings = st.one_of(
    st.lists(st.tuples(st.sampled_from(PARAMETERS) | st.text(max_size=12), text_values), max_size=6).map(urlencode),
    # Malformed query strings, sent as they are.
    st.text(alphabet="%&=;+?#<>\"' abcZ0123456789", max_size=40),
    st.sampled_from(["%", "%zz", "&&&", "=&=", "page=%00", "q=%ff%fe", "q=%E2%80", "a[]=1&a[]=2", "page=1&page=2"]),
)
# Tried on every public URL whatever Hypothesis draws (each was a 500 somewhere, or close to one).
KNOWN_QUERIES = ["performer=%00", "performer=IU%00", "q=%00", "page=%00", "%00=1", "performer=a\x00b"]
KNOWN_QUERIES += ["page=99999999999999999999", "year_min=99999999999999999999", "year_max=-99999999999999999999"]
KNOWN_QUERIES += ["decade=99999999999999999999", "network=99999999999999999999", "year=9" + "9" * 400]


def with_examples(name, values, **fixed):
    """Hypothesis's @example for each value, as the argument ``name`` (with ``fixed``)."""

    def decorate(test):
        for value in reversed(values):
            test = example(**{name: value}, **fixed)(test)
        return test

    return decorate


@pytest.mark.parametrize(("name", "route", "converters"), PATTERNS, ids=[p[0] for p in PATTERNS])
def test_query_strings(client, catalogue, name, route, converters):
    path = concrete_path(name, route, converters, catalogue)
    assert client.get(path).status_code in (200, 301, 302), path

    @FUZZ_HYPOTHESIS
    @given(query=query_strings)
    @with_examples("query", KNOWN_QUERIES)
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


# --- The admin, for a logged-in editor -----------------------------------------

ADMINS = sorted((m._meta.model_name, m) for m in admin.site._registry if m._meta.app_label == "catalogue")


def admin_parameters(client, model_name):
    """The changelist's own query parameters: each filter's (from the rendered list),
    the date hierarchy's, search, ordering, page and "show all"."""
    response = client.get(reverse(f"admin:catalogue_{model_name}_changelist"))
    assert response.status_code == 200
    changelist = response.context["cl"]
    names = [name for spec in changelist.filter_specs for name in spec.expected_parameters()]
    if changelist.date_hierarchy:
        names += [f"{changelist.date_hierarchy}__{part}" for part in ("year", "month", "day")]
    return sorted(set(names)) + ["q", "o", "p", "all", "e", "id__exact", "pk__in", "slug"]


DATE_HIERARCHY = ["9999", "99999999999", "99999999999999999999", "0", "-1", "%00", "1e400"]
KNOWN_ADMIN_QUERIES = [f"first_aired__year={year}" for year in DATE_HIERARCHY]
KNOWN_ADMIN_QUERIES += [
    "first_aired__year=9999&first_aired__month=12",
    "first_aired__year=9999&first_aired__month=12&first_aired__day=31",
    "first_aired__year=2016&first_aired__month=99999999999",
    "first_aired__year=2016&first_aired__month=2&first_aired__day=99999999999",
    "first_aired__year=2016&first_aired__day=99999999999",
    "status__exact=%00",
    "kind__exact=%00",
    "q=%00",
    "year=99999999999999999999",
    "p=99999999999999999999",
    "o=99999999999999999999",
    # Past bigint: SQLite's OverflowError, PostgreSQL's "out of range", when the list is counted.
    "pk__in=9223372036854775808",
    "id__exact=9223372036854775808",
    "pk__in=1,-9223372036854775809",
]


def assert_admin_safe(response, label):
    """No 5xx; a bad lookup redirects to the plain list with ?e=1, as Django's admin does."""
    assert response.status_code in (200, 302, 400), (label, response.status_code)
    if response.status_code == 302:
        assert response.headers["Location"].endswith("?e=1"), (label, response.headers["Location"])
    assert_safe(response, label)


@pytest.mark.parametrize(("model_name", "model_admin"), ADMINS, ids=[a[0] for a in ADMINS])
def test_admin_changelist_parameters(editor_client, catalogue, model_name, model_admin):
    url = reverse(f"admin:catalogue_{model_name}_changelist")
    names = admin_parameters(editor_client, model_name)
    admin_queries = st.lists(st.tuples(st.sampled_from(names), text_values), min_size=1, max_size=4).map(urlencode)

    @FUZZ_HYPOTHESIS
    @given(query=admin_queries | query_strings)
    @with_examples("query", KNOWN_ADMIN_QUERIES)
    def fuzz(query):
        CASES["admin changelists"] += 1
        assert_admin_safe(editor_client.get(f"{url}?{query}"), f"{url}?{query}")

    fuzz()


def autocomplete_fields():
    """(model, field) for every catalogue relation the admin can autocomplete: its
    target is registered with search fields (inlines' and custom pickers' included;
    not the history tables)."""
    found = []
    for model in apps.get_app_config("catalogue").get_models():
        if hasattr(model, "instance_type"):  # django-simple-history's Historical<Model>
            continue
        for field in model._meta.get_fields():
            target = admin.site._registry.get(getattr(field, "related_model", None))
            if field.concrete and field.is_relation and target and target.search_fields:
                found.append((model._meta.model_name, field.name))
    return sorted(found)


AUTOCOMPLETE = autocomplete_fields()
KNOWN_TERMS = ["\x00", "IU\x00", "a\x00b", "99999999999999999999", "%"]


@pytest.mark.parametrize(("model_name", "field_name"), AUTOCOMPLETE, ids=[f"{m}.{f}" for m, f in AUTOCOMPLETE])
def test_admin_autocomplete(editor_client, catalogue, model_name, field_name):
    url = reverse("admin:autocomplete")
    target = f"app_label=catalogue&model_name={model_name}&field_name={field_name}"
    assert editor_client.get(f"{url}?term=a&{target}").status_code == 200, target

    @FUZZ_HYPOTHESIS
    @given(term=text_values, page=st.none() | text_values)
    @with_examples("term", KNOWN_TERMS, page=None)
    @example(term="a", page="99999999999999999999")
    def fuzz(term, page):
        CASES["admin autocomplete"] += 1
        query = urlencode({"term": term} | ({"page": page} if page is not None else {}))
        response = editor_client.get(f"{url}?{query}&{target}")
        # 404: a page past the last one, as Django's autocomplete answers it.
        assert response.status_code in (200, 400, 404), (query, target, response.status_code)

    fuzz()


@pytest.mark.parametrize("action", ["publish", "unpublish"])
def test_admin_action_selections(editor_client, catalogue, action):
    """An action's selected ids as the browser posts them, and as a forger might."""
    url = reverse("admin:catalogue_work_changelist")
    selections = st.lists(text_values | st.integers(min_value=-(10**30), max_value=10**30).map(str), max_size=3)

    @FUZZ_HYPOTHESIS
    @given(selected=selections, index=st.sampled_from(["0", "1", "-1", "99999999999999999999", "\x00"]))
    @example(selected=["99999999999999999999"], index="0")
    @example(selected=["\x00"], index="0")
    @example(selected=["abc"], index="0")
    @example(selected=[str(catalogue["work"].pk), "9223372036854775808"], index="0")
    def fuzz(selected, index):
        CASES["admin actions"] += 1
        response = editor_client.post(url, {"action": action, "_selected_action": selected, "index": index})
        assert response.status_code in (200, 302, 400), (selected, index, response.status_code)

    fuzz()
