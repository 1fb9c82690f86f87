import pytest

from catalogue import search


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Fallin'", "fallin"), ("Twenty-Five, Twenty-One", "twenty five twenty one"), ("  Huntr/x ", "huntr x")],
)
def test_fold_lowercases_and_drops_punctuation(text, expected):
    assert search.fold(text) == expected


def test_initials_of_hangul_syllables():
    assert search.initials("도깨비") == "ㄷㄲㅂ"
    assert search.initials("눈물의 여왕") == "ㄴㅁㅇ ㅇㅇ"


def test_romanization_variants_meet():
    key = search.build_key("Shin Seung-hun", "신승훈")
    for query in ("shin seung hoon", "Shin Seung-hun", "신승훈", "sin seung hun"):
        assert any(term in key for term in search.query_terms(query)), query
