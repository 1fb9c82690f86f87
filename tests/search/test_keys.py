"""The search key and query folding: every case the issue names, without a database."""

import pytest

from search import keys


def finds(query, *names):
    """Whether a query hits an object known by these names (what the view's
    ``search_key__contains`` does in the database)."""
    key = keys.build_key(*names)
    return any(term in key for term in keys.query_terms(query))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fallin'", "fallin"),
        ("Fallin’", "fallin"),
        ("Twenty-Five, Twenty-One", "twenty five twenty one"),
        ("  Huntr/x ", "huntr x"),
        ("Crème Brûlée", "creme brulee"),
        ("ＦＡＬＬＩＮ", "fallin"),
        ("쓸쓸하고 찬란하神 – 도깨비", "쓸쓸하고 찬란하神 도깨비"),
    ],
)
def test_fold_lowercases_and_drops_punctuation(text, expected):
    assert keys.fold(text) == expected


def test_fold_keeps_typed_consonants_as_typed():
    # NFKC would turn the keyboard's ㄷ (U+3137) into a conjoining jamo (U+1103)
    # that no key contains.
    assert keys.fold("ㄷㄲㅂ") == "ㄷㄲㅂ"
    assert keys.query_terms("ㄷㄲㅂ") == ["ㄷㄲㅂ"]


def test_initials_of_hangul_syllables():
    assert keys.initials("도깨비") == "ㄷㄲㅂ"
    assert keys.initials("눈물의 여왕") == "ㄴㅁㅇ ㅇㅇ"
    assert keys.initials("Goblin") == ""


def test_romanize_is_for_display_and_empty_without_hangul():
    assert keys.romanize("겨울연가") == "Gyeouryeonga"
    assert keys.romanize("Goblin") == ""


@pytest.mark.parametrize("query", ["fallin", "Fallin", "FALLIN'", "fallin’", "  fallin  "])
def test_apostrophes_and_case_fold(query):
    assert finds(query, "Fallin'")


GOBLIN = (
    "Goblin",
    "쓸쓸하고 찬란하神 – 도깨비",
    "Sseulsseulhago chanlanhasin – Dokkaebi",
    "Guardian: The Lonely and Great God",
)


@pytest.mark.parametrize(
    "query", ["도깨비", "goblin", "dokkaebi", "Dokebi", "guardian", "쓸쓸하고 찬란하神", "ㄷㄲㅂ", "ㅆㅆㅎㄱ ㅊㄹㅎ"]
)
def test_goblin_by_hangul_romanization_and_consonants(query):
    assert finds(query, *GOBLIN)


@pytest.mark.parametrize(
    "query", ["신승훈", "Shin Seung-hun", "Shin Seung Hoon", "shin seung hun", "Sin Seung-hun", "Shin Sung Hoon"]
)
def test_performer_by_korean_name_and_romanization_variants(query):
    assert finds(query, "Shin Seung-hun", "신승훈")


@pytest.mark.parametrize(
    "query", ["ㄴㅁㅇ ㅇㅇ", "ㄴㅁㅇㅇㅇ", "눈물의 여왕", "눈물의여왕", "Nunmul-ui yeowang", "queen of tears"]
)
def test_queen_of_tears_with_or_without_the_titles_spaces(query):
    assert finds(query, "Queen of Tears", "눈물의 여왕")


def test_performers_korean_names_are_searchable():
    assert finds("홍이삭", "Isaac Hong", "홍이삭")
    assert finds("ㅎㅇㅅ", "Isaac Hong", "홍이삭")
    assert finds("찬열", "Chanyeol", "찬열")


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("도깨비", ("Queen of Tears", "눈물의 여왕")),
        ("ㄷㄲㅂ", ("Queen of Tears", "눈물의 여왕")),
        ("golden", ("Fallin'",)),
        ("shin seung hoon", ("Isaac Hong", "홍이삭")),
    ],
)
def test_unrelated_names_do_not_match(query, names):
    assert not finds(query, *names)


@pytest.mark.parametrize("query", ["", "   ", "'''", "<>", "%", "\x00", "--"])
def test_queries_without_letters_have_no_terms(query):
    assert keys.query_terms(query) == []


def test_hostile_query_folds_to_plain_words():
    assert keys.query_terms("<script>alert(1)</script>")[0] == "scriptalert1script"
    assert keys.query_terms("%00") == ["00"]


def test_short_queries_get_no_loose_variants():
    # "to" must not also look for every "do".
    assert keys.query_terms("to") == ["to"]


def test_query_terms_are_capped_in_length():
    assert len(keys.query_terms("a" * 500)[0]) == keys.MAX_QUERY_LENGTH


def test_key_separates_names_so_a_query_cannot_span_two():
    key = keys.build_key("Stay", "With Me")
    assert "staywithme" not in key
    assert key.startswith("stay | ")


# --- Invisible characters and lookalike letters (issue 15) -----------------------------

CYRILLIC_O, GREEK_O = "\u043e", "\u03bf"


@pytest.mark.parametrize(
    "name",
    [
        "Goblin\u3164",  # Hangul filler
        "\u3164Goblin",
        "Gob\u1160lin",  # Hangul jungseong filler
        "Goblin\uffa0",  # halfwidth Hangul filler
        "\u115fGoblin",  # Hangul choseong filler
        "Go\u200bblin",  # zero-width space
        "\ufeffGoblin",  # byte-order mark
        "Gob\u00adlin",  # soft hyphen
        "Gob\u202elin",  # right-to-left override
        f"G{CYRILLIC_O}blin",
        f"G{GREEK_O}blin",
    ],
)
def test_lookalikes_fold_to_the_plain_latin_name(name):
    assert keys.fold_lookalikes(name) == "Goblin"


def test_lookalike_table_covers_capitals_and_common_letters():
    assert keys.fold_lookalikes("\u0412\u0415\u0410\u0421\u041d \u0440\u0430\u0441\u0435") == "BEACH pace"  # Cyrillic
    assert keys.fold_lookalikes("\u0391\u039c\u039f\u0395\u0392\u0391") == "AMOEBA"  # Greek capitals
    assert keys.fold_lookalikes("도\u3164깨비") == "도깨비"


def test_lookalike_folding_keeps_real_hangul_and_other_scripts():
    for text in ("쓸쓸하고 찬란하神 – 도깨비", "ㄷㄲㅂ", "Crème Brûlée", "눈물의 여왕", "Huntr/x"):
        assert keys.fold_lookalikes(text) == text


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Goblin", []),
        ("Goblin\u3164", ["U+3164"]),
        ("\u3164", ["U+3164"]),
        ("Go\u200bbl\ufeffin", ["U+200B", "U+FEFF"]),
        ("Gob\u1160lin\uffa0\u115f", ["U+1160", "U+FFA0", "U+115F"]),
        (f"G{CYRILLIC_O}blin", []),  # a lookalike is visible: only the duplicate check folds it
        ("도깨비", []),
    ],
)
def test_invisible_characters_are_found_once_each(text, found):
    assert [f"U+{ord(ch):04X}" for ch in keys.invisible_characters(text)] == found
