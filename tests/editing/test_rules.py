# ruff: noqa: F811 - fixtures imported from tests.editing.helpers
"""The rule "a published work names a source" holds on every path that writes a work: the
admin form, an import, a revert from history, the recovery of a deleted work and
the bulk publish action (issue 15)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from catalogue.models import Work
from tests.editing.helpers import chief, editor, editor_client, errors_of, form_data  # noqa: F401
from tests.factories import SourceFactory, WorkFactory

pytestmark = pytest.mark.django_db

WORKS_HEADER = "slug,title,kind,year,sources\n"


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


def history_form_url(work, record):
    return reverse("admin:catalogue_work_simple_history", args=[work.pk, record.history_id])


def published_with_a_source(**fields):
    work = WorkFactory(**fields)
    work.sources.add(SourceFactory(slug="src-a"))
    return work


def revert_page_of_a_stripped_work(client):
    """A work published with a source; later its source goes and it is a draft again.
    Returns the work, the URL restoring its published version and that page's form."""
    work = published_with_a_source(title="Goblin")
    published = work.history.first()
    work.sources.clear()
    work.status = Work.Status.DRAFT
    work.save()
    url = history_form_url(work, published)
    return work, url, form_data(client.get(url))


def upload(client, content):
    return client.post(
        reverse("admin:catalogue_work_import"),
        {"resource": "0", "format": "0", "import_file": SimpleUploadedFile("works.csv", content.encode("utf-8"))},
    )


def confirm(client, preview):
    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    return client.post(reverse("admin:catalogue_work_process_import"), data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# --- restore a version from history ---------------------------------------------


def test_reverting_to_a_published_version_of_a_work_without_sources_brings_it_back_as_a_draft(editor_client):
    work, url, data = revert_page_of_a_stripped_work(editor_client)
    assert data["status"] == Work.Status.PUBLISHED and not data.get("sources")
    response = editor_client.post(url, data, follow=True)

    assert response.status_code == 200, errors_of(response)
    work.refresh_from_db()
    assert work.status == Work.Status.DRAFT
    assert not work.sources.exists()
    assert any("restored as a draft" in m for m in messages_of(response))
    assert not Work.objects.published().filter(pk=work.pk).exists()


def test_reverting_with_a_source_chosen_on_the_form_keeps_it_published(editor_client):
    work, url, data = revert_page_of_a_stripped_work(editor_client)
    data["sources"] = [str(SourceFactory(slug="src-b").pk)]
    response = editor_client.post(url, data)

    assert response.status_code == 302, errors_of(response)
    work.refresh_from_db()
    assert work.status == Work.Status.PUBLISHED
    assert list(work.sources.values_list("slug", flat=True)) == ["src-b"]


def test_a_chief_editor_recovers_a_deleted_published_work_as_a_draft(chief):
    work = published_with_a_source(title="Deleted Show")
    pk = work.pk
    work.delete()
    last = Work.history.filter(id=pk).exclude(history_type="-").order_by("-history_id").first()

    client = logged_in(chief)
    url = reverse("admin:catalogue_work_simple_history", args=[pk, last.history_id])
    response = client.post(url, form_data(client.get(url)), follow=True)

    assert response.status_code == 200, errors_of(response)
    recovered = Work.objects.get(pk=pk)
    assert recovered.status == Work.Status.DRAFT and not recovered.sources.exists()
    assert any("restored as a draft" in m for m in messages_of(response))


# --- import --------------------------------------------------------------------------


def test_an_import_that_strips_every_source_of_a_published_work_is_refused(editor_client):
    work = published_with_a_source(slug="goblin", title="Goblin", year=2016)

    preview = upload(editor_client, WORKS_HEADER + "goblin,Goblin,drama,2016,\n")

    assert preview.status_code == 200
    assert preview.context.get("confirm_form") is None  # nothing to confirm
    assert "A published work must name at least one source" in preview.content.decode()
    work.refresh_from_db()
    assert work.status == Work.Status.PUBLISHED
    assert list(work.sources.values_list("slug", flat=True)) == ["src-a"]


def test_an_import_may_replace_a_published_works_sources_or_strip_a_drafts(editor_client):
    published_with_a_source(slug="goblin", title="Goblin", year=2016)
    draft = WorkFactory(slug="draft-show", title="Draft Show", year=2016, status=Work.Status.DRAFT)
    draft.sources.add(SourceFactory(slug="src-old"))
    SourceFactory(slug="src-new")
    content = WORKS_HEADER + "goblin,Goblin,drama,2016,src-new\ndraft-show,Draft Show,drama,2016,\n"

    preview = upload(editor_client, content)
    assert preview.context["confirm_form"] is not None, preview.content.decode()[:3000]
    confirm(editor_client, preview)

    goblin = Work.objects.get(slug="goblin")
    assert goblin.status == Work.Status.PUBLISHED
    assert list(goblin.sources.values_list("slug", flat=True)) == ["src-new"]
    assert not Work.objects.get(slug="draft-show").sources.exists()


# --- bulk publish ---------------------------------------------------------------------


def test_bulk_publish_never_publishes_a_work_without_a_source(editor_client):
    bare = WorkFactory(title="Bare", status=Work.Status.DRAFT)
    editor_client.post(reverse("admin:catalogue_work_changelist"), {"action": "publish", "_selected_action": [bare.pk]})
    bare.refresh_from_db()
    assert bare.status == Work.Status.DRAFT
