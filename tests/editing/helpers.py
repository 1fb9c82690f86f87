"""Helpers for editor tests: accounts in the real groups, and admin form posts built
from the form the admin rendered (as a browser would send it back)."""

import datetime

import pytest
from django.contrib.auth.models import Group, User


def make_user(username, group_name=None, **extra):
    user = User.objects.create_user(username, password="a-long-enough-pass-phrase", is_staff=True, **extra)
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def editor(db):
    return make_user("ed", "Editors")


@pytest.fixture
def other_editor(db):
    return make_user("jo", "Editors")


@pytest.fixture
def chief(db):
    return make_user("chief", "Chief editors")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def _value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return "" if value is None else str(value)


def form_data(response):
    """Every field of the rendered admin form and its inline formsets, with its current value."""
    context = response.context
    forms = [context["adminform"].form]
    for inline in context.get("inline_admin_formsets", []):
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for name in form.fields:
            bound = form[name]
            value = bound.value()
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif isinstance(value, (list, tuple)):
                data[bound.html_name] = [_value(v) for v in value]
            elif value is not None:
                data[bound.html_name] = _value(value)
    return data


def errors_of(response):
    """All error messages on the rendered admin form and inlines, as plain strings."""
    context = response.context
    messages = []
    form = context["adminform"].form
    for field_errors in form.errors.values():
        messages.extend(str(e) for e in field_errors)
    for inline in context.get("inline_admin_formsets", []):
        for inline_form in inline.formset.forms:
            for field_errors in inline_form.errors.values():
                messages.extend(str(e) for e in field_errors)
        messages.extend(str(e) for e in inline.formset.non_form_errors())
    return messages
