"""English and Korean: chosen by Accept-Language or the switcher, <html lang> to match."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from catalogue.models import Work

pytestmark = pytest.mark.django_db


def html_lang(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_english_by_default(client):
    response = client.get("/")
    assert html_lang(response) == "en"
    assert "Timeline" in response.content.decode()


def test_accept_language_ko_gives_korean_interface(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ko-KR,ko;q=0.9,en;q=0.5")
    assert html_lang(response) == "ko"
    html = response.content.decode()
    assert "작품 둘러보기" in html and "Browse works" not in html  # the navigation
    assert "본문으로 건너뛰기" in html  # the skip link
    assert '<button class="site-search__button" type="submit">검색</button>' in html
    assert "Accept-Language" in response["Vary"]


def test_korean_search_errors_and_model_choices(client):
    response = client.get(reverse("catalogue:search"), {"q": ""}, HTTP_ACCEPT_LANGUAGE="ko")
    assert response.status_code == 400
    assert "검색할 제목이나 이름을 입력하세요." in response.content.decode()
    with translation.override("ko"):
        assert str(Work.Kind.DRAMA.label) == "TV 드라마"


def test_language_switcher_is_a_plain_post_form_without_javascript(client):
    html = client.get("/works/?kind=film").content.decode()
    form = re.search(r'<form class="language-switcher".*?</form>', html, re.S).group(0)
    assert f'action="{reverse("set_language")}"' in form and 'method="post"' in form
    assert '<select id="language-switcher-select" name="language">' in form
    assert '<option value="ko" lang="ko">한국어</option>' in form
    assert '<button type="submit"' in form
    assert 'name="next" value="/works/?kind=film"' in form
    assert "<script" not in form


def test_switching_language_sets_the_cookie_and_returns_to_the_page(client):
    response = client.post(reverse("set_language"), {"language": "ko", "next": "/works/"})
    assert response.status_code == 302
    assert response["Location"] == "/works/"
    page = client.get("/works/")
    assert html_lang(page) == "ko"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert html_lang(client.get("/")) == "en"


def test_switcher_works_with_csrf_checks_on(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("set_language"), {"language": "ko", "next": "/"})
    assert response.status_code == 302


def test_unsafe_next_is_not_followed(client):
    response = client.post(reverse("set_language"), {"language": "ko", "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.parametrize("url", ["/works/", "/search/?q=love"])
def test_every_form_label_is_korean_in_korean(client, url):
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="ko").content.decode()
    labels = [re.sub(r"<[^>]+>", "", label).strip() for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)]
    assert labels
    untranslated = [label for label in labels if not re.search(r"[\uac00-\ud7a3]", label)]
    assert not untranslated, untranslated


def test_the_korean_catalogue_is_complete_and_compiled():
    """Every message in the Korean .po has a translation, none is fuzzy (compiled
    as missing), and the committed .mo holds exactly what the .po says."""
    import gettext
    import shutil
    import subprocess
    from pathlib import Path

    from django.conf import settings

    if not shutil.which("msgattrib"):
        pytest.skip("GNU gettext is not installed (.ci/run installs it)")
    po = Path(settings.BASE_DIR) / "locale" / "ko" / "LC_MESSAGES" / "django.po"
    for flag in ("--untranslated", "--only-fuzzy"):
        left = subprocess.run(["msgattrib", flag, "--no-wrap", str(po)], capture_output=True, text=True, check=True)
        assert "msgid" not in left.stdout, f"{flag}:\n{left.stdout}"
    compiled = gettext.GNUTranslations(po.with_suffix(".mo").open("rb"))
    catalog = subprocess.run(["msgattrib", "--translated", "--no-wrap", str(po)], capture_output=True, text=True)
    for msgid, msgstr in re.findall(r'^msgid "(.+)"\nmsgstr "(.+)"$', catalog.stdout, re.M):
        msgid = msgid.encode().decode("unicode_escape").encode("latin-1").decode()
        msgstr = msgstr.encode().decode("unicode_escape").encode("latin-1").decode()
        assert compiled.gettext(msgid) == msgstr, msgid
