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
# so "Shin Seung Hoon" and "Sin Seung-hun" meet. Applied to Latin text only.
_VARIANTS = [
    (re.compile(r"oo"), "u"),
    (re.compile(r"eo"), "u"),
    (re.compile(r"shi"), "si"),
    (re.compile(r"sh"), "s"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"ou"), "u"),
    (re.compile(r"(?<=[a-z])y(?=[aeiou])"), "y"),
    (re.compile(r"k"), "g"),
    (re.compile(r"t"), "d"),
    (re.compile(r"p"), "b"),
    (re.compile(r"ch"), "j"),
    (re.compile(r"r"), "l"),
]


def has_hangul(text):
    return bool(HANGUL_RE.search(text or ""))


def fold(text):
    """Lower-case, strip accents and punctuation (apostrophes vanish, other marks
    become spaces), collapse spaces. Hangul syllables and jamo are kept."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    text = text.replace("'", "").replace("\u2019", "").replace("\u2018", "")
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch) or HANGUL_RE.match(ch)
    )
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"[^\w]+", " ", text, flags=re.UNICODE).replace("_", " ")
    return " ".join(text.split())


def romanize(text):
    """Revised Romanization of the Hangul in text (other characters pass through)."""
    if not has_hangul(text):
        return ""
    return fold(Romanizer(text).romanize())


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
        roman = romanize(name)
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
    """The strings a query is matched by: each must appear in a key for a hit."""
    folded = fold(query)
    if not folded:
        return []
    if JAMO_ONLY_RE.match(folded.replace(" ", "")):
        return [folded.replace(" ", "")]
    if has_hangul(folded):
        return [folded.replace(" ", "")] if " " not in folded else [folded]
    compact = folded.replace(" ", "")
    sound = phonetic(folded)
    return [compact, sound] if sound and sound != compact else [compact]
