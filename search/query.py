"""Running a search: published works, songs and performers whose search key
(``search.keys``) holds a query's terms, ranked, through the trigram index of
either database (pg_trgm on PostgreSQL, the FTS5 twin in ``search.sqlite_fts``).

Matching is ``search_key LIKE '%term%'`` (OR over a query's terms), which reads
the same on SQLite and PostgreSQL; Django escapes % and _ in the term.

The site search forgives (issue 18): words fans add ("ost", "노래") are dropped
(``search.keys.search_words``); a query of several words also finds an entry that
holds each word somewhere, and a song whose words are spread over its title, its
work's title and its singers ("stay with me chanyeol", "queen of tears fallin").
When nothing at all is found, near misses are (``search.fuzzy``: "goblen"), with
the best of them offered as "Did you mean ...?".

Ranks: 0 a whole name equals the query, 1 the title starts with it, 2 another name
does, 3 a name holds it, 4 its words are spread over names and fields, 5 a near miss.
"""

from dataclasses import dataclass, field, replace

from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    IntegerField,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from catalogue.models import Credit, Performer, Song, Work

from . import fuzzy, sqlite_fts
from .keys import fold, search_words, terms_of

GROUP_LIMIT = 20
SPREAD_RANK = 4
NEAR_RANK = 5


@dataclass(frozen=True)
class Plan:
    """What a search looks for: keys holding one of ``terms``; or, with ``words``
    (two or more of three letters or more), also entries holding every word, a
    song in its own key, its work's or a singer's (only those, without ``plain``:
    a later stage, after the terms found nothing); or, with ``similar_to``
    (PostgreSQL's near misses), keys alike to that text. ``terms`` always rank."""

    terms: tuple
    words: tuple = ()
    similar_to: str = ""
    near: bool = False
    plain: bool = True
    songs_by_work: bool = True  # every_word's by_work, for songs

    @classmethod
    def for_words(cls, words, extra_terms=(), near=False):
        terms = [*terms_of(" ".join(words)), *extra_terms]
        long_words = [word for word in dict.fromkeys(words) if len(word) >= SHORT_TERM_LENGTH]
        return cls(
            terms=tuple(dict.fromkeys(terms)),
            words=tuple(long_words) if len(long_words) > 1 else (),
            near=near,
        )


@dataclass
class Results:
    groups: list
    suggestion: str = ""  # the best near miss's title or name, when nothing else matched
    near: bool = False  # the groups hold near misses
    plan: Plan = field(default=None, repr=False)


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


def _plain_contains(term, column="search_key"):
    """``_contains`` without the index, for rows already found (ranking, checks)."""
    if len(term) < SHORT_TERM_LENGTH:
        return Q(**{f"{column}__startswith": term}) | Q(**{f"{column}__contains": f" {term}"})
    return Q(**{f"{column}__contains": term})


def every_word(words, model, *, by_work=True):
    """A Q: each of ``words`` is in the entry's key or, for a song, in its own key,
    its work's or a singer's.

    The longest word (likely the rarest) is looked up through the trigram index;
    the others are checked on the rows it finds only. For songs the lookup is a
    UNION of three (the song's key, its work's, its singers'; without ``by_work``
    not its work's: when works hold every word, their songs add nothing). As one
    OR, PostgreSQL read every song (an OR of subqueries can't use an index), and
    SQLite read every song for "stay with me chanyeol" (45 ms at 20,000 works);
    this way both read the songs of one singer."""
    first, *others = sorted(dict.fromkeys(words), key=len, reverse=True)
    condition = _word_lookup([first], model, by_work=by_work)
    for word in others:
        condition &= _word_check([word], model)
    # A subquery of its own: beside the OR of the plain match, SQLite would rather
    # read the whole table than look the first word up.
    return Q(pk__in=model.objects.filter(condition).values("pk"))


def _word_lookup(terms, model, *, by_work=True):
    """The rows holding the word, through the index; for a song also those of the
    singers (and works) holding it."""
    if model is not Song:
        return matches(terms, model)
    own = Song.objects.filter(matches(terms, Song)).values_list("pk", flat=True)
    singers = Performer.objects.filter(matches(terms, Performer)).values("pk")
    lookups = [Credit.objects.filter(performer_id__in=singers).values_list("song_id", flat=True)]
    if by_work:
        works = Work.objects.filter(matches(terms, Work)).values("pk")
        lookups.append(Song.objects.filter(work_id__in=works).values_list("pk", flat=True))
    return Q(pk__in=own.union(*lookups))


def _word_check(terms, model):
    """The word is in the row's own key or, for a song, its work's, read from the
    row; or it names one of the song's singers, looked up once through the index
    (a correlated check per song cost more)."""
    found = Q()
    for term in terms:
        found |= _plain_contains(term)
        if model is Song:
            found |= _plain_contains(term, "work__search_key")
    if model is Song:
        singers = Performer.objects.filter(matches(terms, Performer)).values("pk")
        found |= Q(pk__in=Credit.objects.filter(performer_id__in=singers).values("song_id"))
    return found


def rank_expression(terms, *, spread=False):
    """0: a whole name equals the query; 1: the first name (the title) starts with
    it; 2: some other name starts with it; 3: it appears inside a name; with
    ``spread``, 4 for the rest (found by ``every_word``). Keys are names joined by
    " | ", the English title first."""
    exact, title_prefix, prefix, inside = Q(), Q(), Q(), Q()
    for term in terms:
        exact |= (
            Q(search_key=term)
            | Q(search_key__startswith=f"{term} |")
            | Q(search_key__contains=f"| {term} |")
            | Q(search_key__endswith=f"| {term}")
        )
        title_prefix |= Q(search_key__startswith=term)
        prefix |= Q(search_key__contains=f"| {term}")
        inside |= _plain_contains(term)
    if not terms:
        return Value(SPREAD_RANK, output_field=IntegerField())
    whens = [When(exact, then=Value(0)), When(title_prefix, then=Value(1)), When(prefix, then=Value(2))]
    if spread:
        whens.append(When(inside, then=Value(3)))
    return Case(*whens, default=Value(SPREAD_RANK if spread else 3), output_field=IntegerField())


def _similar(text, model):
    """PostgreSQL: the key has a stretch alike to ``text`` (pg_trgm's ``<%``, through
    the GIN index; threshold set by ``fuzzy.prepare_postgresql``), and how alike."""
    column = f"{connection.ops.quote_name(model._meta.db_table)}.{connection.ops.quote_name('search_key')}"
    condition = RawSQL(f"%s <%% {column}", (text,), output_field=BooleanField())  # noqa: S611 - our column; text is a parameter
    similarity = RawSQL(f"word_similarity(%s, {column})", (text,), output_field=FloatField())  # noqa: S611
    return condition, similarity


def _group(model, base, plan, order):
    if plan.similar_to:
        condition, similarity = _similar(plan.similar_to, model)
        return (
            base.filter(condition)
            .annotate(search_rank=Value(NEAR_RANK, output_field=IntegerField()), search_similarity=similarity)
            .order_by(F("search_similarity").desc(), *order)
        )
    condition = matches(plan.terms, model) if plan.plain or not plan.words else Q()
    if plan.words:
        condition |= every_word(plan.words, model, by_work=plan.songs_by_work)
    rank = rank_expression(plan.terms, spread=bool(plan.words))
    return base.filter(condition).annotate(search_rank=rank).order_by("search_rank", *order)


def group_querysets(plan, kinds=("works", "songs", "performers")):
    """Published works, songs and performers that ``plan`` (a Plan, or a list of
    terms) finds, best first, keyed by the ?type= value, with labels for headings."""
    if not isinstance(plan, Plan):
        plan = Plan(terms=tuple(plan))
    groups = {
        "works": lambda: (
            _("Works"),
            _group(Work, Work.objects.published().select_related("network"), plan, ("title", "year", "pk")),
        ),
        "songs": lambda: (_("Songs"), _group(Song, Song.objects.published().with_credits(), plan, ("title", "pk"))),
        "performers": lambda: (
            _("Performers"),
            _group(Performer, Performer.objects.published(), plan, ("name", "pk")),
        ),
    }
    return {kind: groups[kind]() for kind in kinds}


def near_plan_for(words):
    """What to look for when the words of a query found nothing: their near misses,
    or None when the query is too short to guess at or nothing is near it."""
    words = list(words)
    if not fuzzy.usable("".join(words)):
        return None
    if connection.vendor == "postgresql":
        fuzzy.prepare_postgresql()
        return Plan(terms=(), similar_to=" ".join(words), near=True)
    correction = fuzzy.vocabulary().correct(words)
    if correction is None:
        return None
    corrected, joined = correction
    return Plan.for_words(corrected, terms_of(joined) if joined else (), near=True)


def suggestion(groups):
    """The title or name of the best near miss in ``groups``."""
    best, best_score = None, None
    for order, group in enumerate(groups):
        if not group.hits:
            continue
        hit = group.hits[0]
        similarity = getattr(hit, "search_similarity", None)
        score = (-(similarity or 0), hit.search_rank, order)
        if best_score is None or score < best_score:
            best, best_score = hit, score
    if best is None:
        return ""
    return getattr(best, "title", None) or getattr(best, "name", "")


def _run(plan, limit):
    """The groups of ``plan``, works first: when works hold every word of a query
    spread over names, the songs are looked for without their works' titles."""
    groups = []
    querysets = group_querysets(plan)
    for kind, (label, queryset) in querysets.items():
        hits = list(queryset.annotate(search_total=Window(Count("pk")))[:limit])
        count = hits[0].search_total if hits else 0
        groups.append(ResultGroup(kind=kind, label=label, hits=hits, count=count))
        if kind == "works" and count and plan.words and not plan.plain:
            querysets["songs"] = group_querysets(replace(plan, songs_by_work=False), kinds=["songs"])["songs"]
    return groups


def stages(words):
    """The plans a search tries in turn, each only when those before it found
    nothing: the query as typed (without noise words); its words spread over names
    and fields; near misses. Lazy, so a stage not reached costs nothing."""
    plan = Plan.for_words(words)
    yield Plan(terms=plan.terms)
    if plan.words:
        yield Plan(terms=plan.terms, words=plan.words, plain=False)
    near = near_plan_for(words)
    if near is not None:
        yield near


def search(query, *, limit=GROUP_LIMIT):
    """Hits grouped by type, each group capped at ``limit`` with its full count; near
    misses, with a suggestion, when nothing matches.

    One query per group (the count rides along as a window aggregate) plus one
    for the songs' credits, whatever the size of the catalogue; a later stage
    (``stages``) costs the same again, near misses one or two queries more.
    """
    words = search_words(query)
    if not terms_of(" ".join(words)):
        return Results(groups=[])
    for plan in stages(words):
        groups = _run(plan, limit)
        if any(group.count for group in groups):
            break
    else:
        return Results(groups=groups, plan=plan)
    if not plan.near:
        return Results(groups=groups, plan=plan)
    found = suggestion(groups)
    if fold(found) == fold(" ".join(words)):
        found = ""
    return Results(groups=groups, suggestion=found, near=True, plan=plan)


def search_catalogue(query, *, limit=GROUP_LIMIT):
    """The groups of ``search``."""
    return search(query, limit=limit).groups
