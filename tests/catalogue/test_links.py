"""Detail URLs built from a once-reversed route are exactly what reverse() gives."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from catalogue.links import detail_url


@pytest.mark.parametrize("view_name", ["catalogue:work-detail", "catalogue:song-detail", "catalogue:performer-detail"])
@pytest.mark.parametrize("slug", ["goblin", "stay-with-me", "gen-w00001", "a_b-9", "slug-placeholder-0"])
def test_same_url_as_reverse(view_name, slug):
    assert detail_url(view_name, slug) == reverse(view_name, kwargs={"slug": slug})


def test_follows_the_script_prefix():
    """A site mounted under a path (SCRIPT_NAME) links under it, as reverse() does."""
    try:
        set_script_prefix("/ost/")
        assert detail_url("catalogue:work-detail", "goblin") == "/ost/works/goblin/"
    finally:
        set_script_prefix("/")
    assert detail_url("catalogue:work-detail", "goblin") == "/works/goblin/"


@pytest.mark.parametrize("slug", ["", "has space", "café", "a/b", "../x"])
def test_a_slug_no_route_takes_still_fails_as_reverse_does(slug):
    with pytest.raises(NoReverseMatch):
        detail_url("catalogue:work-detail", slug)
