# ruff: noqa: F811 - fixtures imported from tests.editing.helpers
"""Roles: Editors add, change, publish, import and restore, and may remove a credit;
they never delete an entry or manage users. Chief editors may also delete."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from catalogue.models import Work
from tests.editing.helpers import chief, editor, editor_client  # noqa: F401
from tests.factories import CreditFactory, PerformerFactory, SongFactory, WorkFactory

pytestmark = pytest.mark.django_db


def test_exactly_the_two_editor_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {"Editors", "Chief editors"}
    editors = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"add_work", "change_work", "add_song", "change_performer", "delete_credit"} <= editors
    assert not editors & {"delete_work", "delete_song", "delete_performer", "add_user", "change_user", "change_group"}
    chiefs = set(Group.objects.get(name="Chief editors").permissions.values_list("codename", flat=True))
    assert {"delete_work", "delete_song", "delete_performer"} <= chiefs
    assert not chiefs & {"add_user", "change_user", "delete_user", "change_group"}


@pytest.mark.parametrize("factory", [WorkFactory, SongFactory, PerformerFactory])
def test_an_editor_cannot_delete_an_entry(editor_client, factory):
    obj = factory()
    url = reverse(f"admin:catalogue_{obj._meta.model_name}_delete", args=[obj.pk])
    assert editor_client.get(url).status_code == 403
    assert editor_client.post(url, {"post": "yes"}).status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_an_editor_has_no_delete_action_or_button(editor_client):
    work = WorkFactory()
    changelist = editor_client.get(reverse("admin:catalogue_work_changelist")).content.decode()
    assert "delete_selected" not in changelist
    assert (
        'class="deletelink"'
        not in editor_client.get(reverse("admin:catalogue_work_change", args=[work.pk])).content.decode()
    )


@pytest.mark.parametrize("name", ["auth_user_changelist", "auth_user_add", "auth_group_changelist"])
def test_an_editor_cannot_manage_users_or_groups(editor_client, name):
    assert editor_client.get(reverse(f"admin:{name}")).status_code == 403


def test_a_chief_editor_can_delete_an_entry(chief):
    client = Client()
    client.force_login(chief)
    work = WorkFactory()
    response = client.post(reverse("admin:catalogue_work_delete", args=[work.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Work.objects.filter(pk=work.pk).exists()


def test_an_editor_can_open_import_and_history_but_a_plain_staff_user_cannot_import(editor_client):
    work = WorkFactory()
    assert editor_client.get(reverse("admin:catalogue_work_import")).status_code == 200
    assert editor_client.get(reverse("admin:catalogue_work_history", args=[work.pk])).status_code == 200
    from tests.editing.helpers import make_user

    staff = Client()
    staff.force_login(make_user("staff-only"))
    assert staff.get(reverse("admin:catalogue_work_import")).status_code == 403


def test_the_admin_uses_djangos_login_form_at_admin(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/admin/login/")
    assert 'name="username"' in response.content.decode()


def test_create_editor_makes_a_staff_account_in_the_right_group(db, monkeypatch):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "correct horse battery staple")
    call_command("create_editor", "alice", "--no-input", verbosity=0)
    call_command("create_editor", "bob", "--chief", "--no-input", verbosity=0)
    from django.contrib.auth.models import User

    alice, bob = User.objects.get(username="alice"), User.objects.get(username="bob")
    assert alice.is_staff and not alice.is_superuser and alice.check_password("correct horse battery staple")
    assert list(alice.groups.values_list("name", flat=True)) == ["Editors"]
    assert list(bob.groups.values_list("name", flat=True)) == ["Chief editors"]
    assert alice.has_perm("catalogue.change_work") and not alice.has_perm("catalogue.delete_work")


def test_create_editor_refuses_a_weak_password(db, monkeypatch):
    from django.core.management.base import CommandError

    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "123")
    with pytest.raises(CommandError):
        call_command("create_editor", "weak", "--no-input", verbosity=0)


def test_an_editor_may_remove_a_credit(editor):
    credit = CreditFactory()
    assert editor.has_perm("catalogue.delete_credit")
    assert not editor.has_perm("catalogue.delete_song")
    assert credit.pk


def deleted_work():
    work = WorkFactory(title="Gone Show")
    pk = work.pk
    work.delete()
    return pk, Work.history.filter(id=pk).exclude(history_type="-").order_by("-history_id").first()


def test_an_editor_cannot_recover_a_deleted_entry(editor_client):
    from tests.editing.helpers import form_data

    pk, last = deleted_work()
    url = reverse("admin:catalogue_work_simple_history", args=[pk, last.history_id])
    chief_client = Client()
    chief_client.force_login(make_chief())
    data = form_data(chief_client.get(url))  # the form as a chief editor sees it

    response = editor_client.get(url)
    assert response.status_code == 200  # the editor may read the deleted entry's last version
    assert 'name="_save"' not in response.content.decode()  # but gets no "Revert" button
    assert editor_client.post(url, data).status_code == 403
    assert not Work.objects.filter(pk=pk).exists()


def test_a_chief_editor_can_recover_a_deleted_entry(chief):
    from tests.editing.helpers import form_data

    pk, last = deleted_work()
    client = Client()
    client.force_login(chief)
    url = reverse("admin:catalogue_work_simple_history", args=[pk, last.history_id])
    response = client.get(url)
    assert 'name="_save"' in response.content.decode()
    assert client.post(url, form_data(response)).status_code == 302
    assert Work.objects.get(pk=pk).title == "Gone Show"


def make_chief():
    from tests.editing.helpers import make_user

    return make_user("chief-2", "Chief editors")
