"""Running a search: published works, songs and performers whose search key
(``search.keys``) holds a query's terms, ranked, through the trigram index of
either database (pg_trgm on PostgreSQL, the FTS5 twin in ``search.sqlite_fts``).

Matching is ``search_key LIKE '%term%'`` (OR over a query's terms), which reads
the same on SQLite and PostgreSQL; Django escapes % and _ in the term.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, Value, When, Window
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from catalogue.models import Performer, Song, Work

from . import sqlite_fts
from .keys import query_terms

GROUP_LIMIT = 20


@dataclass
class ResultGroup:
    kind: str  # "works", "songs" or "performers": the ?type= value
    label: str
    hits: list
    count: int

    @property
    def has_more(self):
        return self.count > len(self.hits)


def matches(terms, model):
    """A Q: ``model``'s search key contains at least one of ``terms``, through the
    trigram index of either database where it can answer."""
    condition = Q()
    for term in terms:
        condition |= _contains(term, model)
    return condition


SHORT_TERM_LENGTH = sqlite_fts.MIN_TERM_LENGTH  # trigram indexes (both databases) need 3


def _contains(term, model):
    """``search_key`` holds ``term``: anywhere, for three characters or more (on
    SQLite through the FTS5 trigram index, search/sqlite_fts.py, as pg_trgm
    does on PostgreSQL); at the start of a word for a shorter term.

    No trigram index can answer a term of one or two characters, and "anywhere"
    would match most of the catalogue. At the start of a word, "iu" still finds
    IU, "ㅇㅇ" finds 아이유 and "도깨" finds 도깨비; "bl" no longer finds Goblin."""
    if len(term) < SHORT_TERM_LENGTH:
        return Q(search_key__startswith=term) | Q(search_key__contains=f" {term}")
    if connection.vendor == "sqlite" and sqlite_fts.usable(term):
        fts = sqlite_fts.fts_table(model._meta.db_table)
        return Q(pk__in=RawSQL(f"SELECT rowid FROM {fts} WHERE search_key LIKE %s", (f"%{term}%",)))  # noqa: S608, S611 - table name from our models; the term is a parameter
    return Q(search_key__contains=term)


def rank_expression(terms):
    """0: a whole name equals the query; 1: the first name (the title) starts with
    it; 2: some other name starts with it; 3: it appears inside a name. Keys are
    names joined by " | ", the English title first."""
    exact, title_prefix, prefix = Q(), Q(), Q()
    for term in terms:
        exact |= (
            Q(search_key=term)
            | Q(search_key__startswith=f"{term} |")
            | Q(search_key__contains=f"| {term} |")
            | Q(search_key__endswith=f"| {term}")
        )
        title_prefix |= Q(search_key__startswith=term)
        prefix |= Q(search_key__contains=f"| {term}")
    return Case(
        When(exact, then=Value(0)),
        When(title_prefix, then=Value(1)),
        When(prefix, then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def group_querysets(terms):
    """Published works, songs and performers matching the terms, best first, keyed
    by the ?type= value, with labels for headings."""
    rank = rank_expression(terms)
    return {
        "works": (
            _("Works"),
            Work.objects.published()
            .filter(matches(terms, Work))
            .select_related("network")
            .annotate(search_rank=rank)
            .order_by("search_rank", "title", "year", "pk"),
        ),
        "songs": (
            _("Songs"),
            Song.objects.published()
            .filter(matches(terms, Song))
            .with_credits()
            .annotate(search_rank=rank)
            .order_by("search_rank", "title", "pk"),
        ),
        "performers": (
            _("Performers"),
            Performer.objects.published()
            .filter(matches(terms, Performer))
            .annotate(search_rank=rank)
            .order_by("search_rank", "name", "pk"),
        ),
    }


def search_catalogue(query, *, limit=GROUP_LIMIT):
    """Hits grouped by type, each group capped at ``limit`` with its full count.

    One query per group (the count rides along as a window aggregate) plus one
    for the songs' credits, whatever the size of the catalogue.
    """
    terms = query_terms(query)
    if not terms:
        return []
    groups = []
    for kind, (label, queryset) in group_querysets(terms).items():
        hits = list(queryset.annotate(search_total=Window(Count("pk")))[:limit])
        count = hits[0].search_total if hits else 0
        groups.append(ResultGroup(kind=kind, label=label, hits=hits, count=count))
    return groups
