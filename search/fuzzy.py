"""Near misses: what a search finds when nothing holds what was typed ("goblen",
"desendants of the sun", "huntri x").

PostgreSQL compares the query with every search key by trigram word similarity
(pg_trgm's ``<%`` operator, answered by the GIN indexes of migration 0003).

SQLite has no such operator. There the words of the query are corrected instead:
each word that no search key holds is replaced by the nearest word that one does
(rapidfuzz, Indel ratio, Hangul compared letter by letter as jamo), and the
corrected query then runs as any other, through the FTS5 trigram index. The words
are those of the published search keys, read once per catalogue version (shared
by every worker through ``pagecache.version.remember``) and kept in memory.
"""

import threading
import unicodedata
from collections import defaultdict

from django.db import connection
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from pagecache.version import catalogue_version, remember

from .keys import JAMO_ONLY_RE

# PostgreSQL: how alike the query and some stretch of a key must be (0..1). pg_trgm's
# default (0.6) misses one changed letter in a six-letter word ("goblen": 0.57).
WORD_SIMILARITY_THRESHOLD = 0.5
# Queries shorter than this (without spaces) are not guessed at: "sun" is not "son".
MIN_FUZZY_LENGTH = 4
# SQLite: words shorter than this (in letters, Hangul as jamo) are kept as typed; a
# correction must score this much (rapidfuzz ratio, 0..100) to count.
MIN_WORD_LENGTH = 4
MIN_SCORE = 75
MAX_TOKEN_LENGTH = 30
# The name its words are kept under, per catalogue version: change the number when
# what key_tokens keeps changes.
VOCABULARY_NAME = "search-vocabulary-1"


def usable(compact_query):
    """Whether a query (folded, without spaces) is long enough to guess at; Hangul
    counts its jamo (도개비: six letters)."""
    return len(_letters(compact_query)) >= MIN_FUZZY_LENGTH and not JAMO_ONLY_RE.match(compact_query)


def prepare_postgresql():
    """Set the threshold of ``<%`` for this connection (one short query)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)", [str(WORD_SIMILARITY_THRESHOLD)]
        )


def _letters(text):
    """Hangul syllables as their jamo, so 도개비 is one letter from 도깨비, not one of three."""
    return unicodedata.normalize("NFD", text)


class Vocabulary:
    """The words of the search keys, by length, ready for rapidfuzz."""

    def __init__(self, tokens):
        self.known = frozenset(tokens)
        by_length = defaultdict(list)
        for token in self.known:
            letters = _letters(token)
            by_length[len(letters)].append(letters)
        self.by_length = {length: sorted(words) for length, words in by_length.items()}

    def __len__(self):
        return len(self.known)

    def candidates(self, letters):
        """The words long enough and short enough to reach MIN_SCORE: a ratio of
        2 * common / (len(a) + len(b)) allows lengths within a factor of it."""
        factor = MIN_SCORE / (200 - MIN_SCORE)
        low, high = int(len(letters) * factor), int(len(letters) / factor) + 1
        for length in range(low, high + 1):
            yield from self.by_length.get(length, ())

    def nearest(self, word):
        """The known word nearest to ``word``, or None when none is near enough."""
        letters = _letters(word)
        found = process.extract(
            letters,
            list(self.candidates(letters)),
            scorer=fuzz.ratio,
            processor=None,
            score_cutoff=MIN_SCORE,
            limit=8,
        )
        if not found:
            return None
        # Ties (goblen: goblin and golden, 83 each) go to fewer edits, then to the
        # longer shared start (typos fall late in a word more often than early).
        best = max(
            found,
            key=lambda hit: (
                round(hit[1]),
                Levenshtein.normalized_similarity(letters, hit[0]),
                _common_prefix(letters, hit[0]),
                hit[0],
            ),
        )
        return unicodedata.normalize("NFC", best[0])

    def correct(self, words):
        """``words`` with each unknown word of MIN_WORD_LENGTH or more replaced by
        its nearest known word, plus the whole query run together and corrected
        ("huntri x" -> "huntrx"); None when nothing was changed."""
        corrected = []
        for word in words:
            if len(_letters(word)) < MIN_WORD_LENGTH or word in self.known:
                corrected.append(word)
            else:
                corrected.append(self.nearest(word) or word)
        compact = "".join(words)
        joined = None
        if len(words) > 1 and compact not in self.known:
            joined = self.nearest(compact)
        if corrected == list(words) and joined is None:
            return None
        return corrected, joined


def _common_prefix(a, b):
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def key_tokens(keys):
    """The words of search keys (``search.keys.build_key``), without the initial
    consonants (ㄷㄲㅂ is found as typed, never guessed)."""
    parts = {part for key in keys for part in key.split(" | ")}
    words = {word for part in parts for word in part.split(" ")}
    return {
        word
        for word in words
        if MIN_WORD_LENGTH <= (len(word) if word.isascii() else len(_letters(word))) <= MAX_TOKEN_LENGTH
        and not JAMO_ONLY_RE.match(word)
    }


def read_tokens():
    from catalogue.models import Performer, Song, Work

    tokens = set()
    for model in (Work, Song, Performer):
        tokens |= key_tokens(model.objects.published().values_list("search_key", flat=True).iterator())
    return sorted(tokens)


_memory = {}
_lock = threading.Lock()


def vocabulary():
    """The vocabulary of the published catalogue as it is now: built once per
    catalogue version and database in this process, from words shared through the
    cache."""
    key = (connection.alias, str(connection.settings_dict.get("NAME")), catalogue_version())
    found = _memory.get(key)
    if found is None:
        found = Vocabulary(remember(VOCABULARY_NAME, read_tokens))
        with _lock:
            _memory.clear()
            _memory[key] = found
    return found
