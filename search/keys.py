"""Search keys: one function folds a name into the text we match queries against.

A key holds, space separated, the name folded to lower case without punctuation,
the Hangul kept as typed, a romanization of any Hangul (korean-romanizer, Revised
Romanization) and the string of Hangul initial consonants (ㄷㄲㅂ for 도깨비).
Queries are folded the same way, so "fallin" finds "Fallin'", "신승훈" and
"shin seung hoon" find "Shin Seung-hun", and "ㄷㄲㅂ" finds 도깨비.
"""

import re
import unicodedata

from korean_romanizer.romanizer import Romanizer

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


# Characters that show nothing: Unicode's format characters (category Cf: zero-width
# space U+200B, byte-order mark U+FEFF, soft hyphen, direction overrides ...) and the
# Hangul fillers, which are letters to Unicode but print as blank space (U+3164 is
# the one a Korean keyboard types), plus the blank braille pattern used the same way.
HANGUL_FILLERS = "\u115f\u1160\u3164\uffa0"
BLANK_LETTERS = HANGUL_FILLERS + "\u2800"

# Cyrillic and Greek letters that look like Latin ones ("Gоblin" with a Cyrillic о),
# and the dotless i and j: the common cases of Unicode's confusables list, for the
# duplicate check only (search keys keep the letters as typed).
_LOOKALIKES = str.maketrans(
    {
        # Cyrillic capitals and small letters
        **dict(zip("АВЕЁЅІЇЈКМНОРСТХУҮҺӀԚԜ", "ABEESIIJKMHOPCTXYYHIQW", strict=True)),
        **dict(zip("аеёѕіїјкорсухүһԁӏԛԝ", "aeesiijkopcyxyhdlqw", strict=True)),
        # Greek capitals and small letters, with and without tonos
        **dict(zip("ΑΆΒΕΈΖΗΉΙΊΚΜΝΟΌΡΤΥΎΧϹͿ", "AABEEZHHIIKMNOOPTYYXCJ", strict=True)),
        **dict(zip("αάεέιίκνοόρυύχγϲϳ", "aaeeiikvooruuxycj", strict=True)),
        # Latin letters without their dot
        "ı": "i",
        "ȷ": "j",
    }
)


def is_invisible(ch):
    return ch in BLANK_LETTERS or unicodedata.category(ch) == "Cf"


def invisible_characters(text):
    """The invisible characters in text, once each, in order of appearance."""
    return [ch for ch in dict.fromkeys(text or "") if is_invisible(ch)]


def fold_lookalikes(text):
    r"""Drop invisible characters and write Cyrillic and Greek lookalikes as the Latin
    letters they imitate: "G\u043eblin" and "Goblin\u3164" -> "Goblin". Everything else
    (Hangul included) is kept as typed."""
    return "".join(ch for ch in text or "" if not is_invisible(ch)).translate(_LOOKALIKES)


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


def split_names(text):
    """Editors list other names (alternative titles, aliases) separated by ' / '."""
    return [name.strip() for name in (text or "").split(" / ") if name.strip()]


def query_terms(query):
    """The strings a query is matched by: a hit's key contains at least one.

    Spaces are dropped (keys hold every name without spaces too), so "ㄴㅁㅇ ㅇㅇ",
    "눈물의여왕" and "twenty five" match however the title spaces its words.
    """
    return terms_of(fold(query)[:MAX_QUERY_LENGTH])


# Words fans add to a search that are part of no title: "goblin ost", "도깨비 노래",
# "queen of tears drama". The site search drops them (search_words), unless the
# query is nothing else ("drama" still looks for "drama").
NOISE_WORDS = frozenset(
    {
        "ost",
        "osts",
        "soundtrack",
        "soundtracks",
        "drama",
        "dramas",
        "kdrama",
        "kdramas",
        "노래",
        "드라마",
        "오에스티",
        "사운드트랙",
    }
)
# Hangul next to Latin letters or digits, as in "도깨비ost": two words.
_HANGUL_CLASS = "[\u3131-\u318e\uac00-\ud7a3]"
_SCRIPT_BOUNDARY = re.compile(rf"(?<={_HANGUL_CLASS})(?=[a-z0-9])|(?<=[a-z0-9])(?={_HANGUL_CLASS})")


def search_words(query):
    """The folded words of a site search, without the noise words ("k-drama" is
    one): "Goblin OST" -> ["goblin"], "도깨비ost" -> ["도깨비"]."""
    folded = fold(query)[:MAX_QUERY_LENGTH]
    words = _SCRIPT_BOUNDARY.sub(" ", folded).split()
    kept = []
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in NOISE_WORDS or (word == "k" and following in NOISE_WORDS):
            continue
        kept.append(word)
    return kept or folded.split()


def search_terms(query):
    """``query_terms`` of the site search: the same, without noise words."""
    return terms_of(" ".join(search_words(query)))


def terms_of(folded):
    """The terms of text already folded: without spaces, and its sound for Latin text."""
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
