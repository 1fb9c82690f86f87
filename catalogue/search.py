"""Search keys: one function folds a name into the text we match queries against.

A key holds, space separated, the name folded to lower case without punctuation,
the Hangul kept as typed, a romanization of any Hangul (korean-romanizer, Revised
Romanization) and the string of Hangul initial consonants (ㄷㄲㅂ for 도깨비).
Queries are folded the same way, so "fallin" finds "Fallin'", "신승훈" and
"shin seung hoon" find "Shin Seung-hun", and "ㄷㄲㅂ" finds 도깨비.
"""

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import Case, Count, IntegerField, Q, Value, When, Window
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from korean_romanizer.romanizer import Romanizer

from . import sqlite_search

HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
CHOSEONG = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
JAMO_ONLY_RE = re.compile(r"^[\u3131-\u314e]+$")

# Common romanization variants of the same Korean sound, reduced to one spelling
# so "Shin Seung Hoon", "Sin Seung-hun" and "Shin Sung Hun" meet, and "Dokebi"
# finds "Dokkaebi". Applied to Latin text only; deliberately loose (it feeds a
# substring search, where recall matters more than precision).
_VARIANTS = [
    (re.compile(r"shi"), "si"),
    (re.compile(r"sh"), "s"),
    (re.compile(r"ch"), "j"),
    (re.compile(r"oo"), "u"),
    (re.compile(r"eo"), "u"),
    (re.compile(r"eu"), "u"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"ae"), "e"),
    (re.compile(r"k"), "g"),
    (re.compile(r"t"), "d"),
    (re.compile(r"p"), "b"),
    (re.compile(r"r"), "l"),
    (re.compile(r"(.)\1+"), r"\1"),
]

# Variants are only added to queries at least this long: "to" must not also
# look for every "do".
MIN_PHONETIC_QUERY = 4
MAX_QUERY_LENGTH = 100

# NFKC turns Hangul compatibility jamo (what a keyboard types: ㄷ U+3137) into
# conjoining jamo (U+1103); keys hold the compatibility forms, so they are kept.
_COMPAT_JAMO_FIRST, _COMPAT_JAMO_LAST = "\u3131", "\u318e"


def has_hangul(text):
    return bool(HANGUL_RE.search(text or ""))


def fold(text):
    """Lower-case, strip accents and punctuation (apostrophes vanish, other marks
    become spaces), collapse spaces. Hangul syllables and jamo are kept."""
    text = "".join(
        ch if _COMPAT_JAMO_FIRST <= ch <= _COMPAT_JAMO_LAST else unicodedata.normalize("NFKC", ch) for ch in text or ""
    ).lower()
    text = text.replace("'", "").replace("\u2019", "").replace("\u2018", "")
    text = "".join(
        ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch) or HANGUL_RE.match(ch)
    )
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[^\w]+", " ", text, flags=re.UNICODE).replace("_", " ")
    return " ".join(text.split())


def romanize(text):
    """Revised Romanization of the Hangul in text, for display: 겨울연가 ->
    "Gyeouryeonga" (other characters pass through). Empty without Hangul."""
    if not has_hangul(text):
        return ""
    roman = " ".join(Romanizer(text).romanize().split())
    return roman[:1].upper() + roman[1:]


def initials(text):
    """The Hangul initial consonants of each syllable, spaces kept: '도깨비' -> 'ㄷㄲㅂ'."""
    out = []
    for ch in text or "":
        code = ord(ch)
        if HANGUL_FIRST <= code <= HANGUL_LAST:
            out.append(CHOSEONG[(code - HANGUL_FIRST) // 588])
        elif ch.isspace():
            out.append(" ")
    return " ".join("".join(out).split())


def phonetic(text):
    """Latin text reduced so romanization variants compare equal, without spaces."""
    latin = re.sub(r"[^a-z]", "", fold(text))
    for pattern, replacement in _VARIANTS:
        latin = pattern.sub(replacement, latin)
    return latin


def build_key(*names):
    """The search key for an object known by these names (English, Hangul, romanized)."""
    parts = []
    for name in names:
        if not name:
            continue
        folded = fold(name)
        parts.append(folded)
        parts.append(folded.replace(" ", ""))
        roman = fold(romanize(name))
        if roman:
            parts.append(roman)
            parts.append(roman.replace(" ", ""))
        consonants = initials(name)
        if consonants:
            parts.append(consonants.replace(" ", ""))
        for source in (folded, roman):
            sound = phonetic(source)
            if sound:
                parts.append(sound)
    seen = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return " | ".join(seen)


def query_terms(query):
    """The strings a query is matched by: a hit's key contains at least one.

    Spaces are dropped (keys hold every name without spaces too), so "ㄴㅁㅇ ㅇㅇ",
    "눈물의여왕" and "twenty five" match however the title spaces its words.
    """
    folded = fold(query)[:MAX_QUERY_LENGTH]
    compact = folded.replace(" ", "")
    if not compact:
        return []
    if JAMO_ONLY_RE.match(compact) or has_hangul(compact):
        return [compact]
    terms = [compact]
    sound = phonetic(folded)
    if len(sound) >= MIN_PHONETIC_QUERY and sound != compact:
        terms.append(sound)
    return terms


# --- Running a search -------------------------------------------------------
#
# Matching is ``search_key LIKE '%term%'`` (OR over a query's terms), which reads
# the same on SQLite and PostgreSQL; Django escapes % and _ in the term. On
# PostgreSQL a pg_trgm GIN index on each search_key serves these LIKEs (see the
# ``search_trigram`` migration); on SQLite it is a scan over a short column.

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


SHORT_TERM_LENGTH = sqlite_search.MIN_TERM_LENGTH  # trigram indexes (both databases) need 3


def _contains(term, model):
    """``search_key`` holds ``term``: anywhere, for three characters or more (on
    SQLite through the FTS5 trigram index, catalogue/sqlite_search.py, as pg_trgm
    does on PostgreSQL); at the start of a word for a shorter term.

    No trigram index can answer a term of one or two characters, and "anywhere"
    would match most of the catalogue ("e": four names in five), every match then
    ranked: 400 ms of SQL at 20,000 works. At the start of a word, "iu" still
    finds IU, "ㅇㅇ" finds 아이유 and "도깨" finds 도깨비; "bl" no longer finds Goblin."""
    if len(term) < SHORT_TERM_LENGTH:
        return Q(search_key__startswith=term) | Q(search_key__contains=f" {term}")
    if connection.vendor == "sqlite" and sqlite_search.usable(term):
        fts = sqlite_search.fts_table(model._meta.db_table)
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
    from .models import Performer, Song, Work

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
