"""Models and migrations never drift, and every catalogue migration applies
backwards and forwards, on an empty and on a filled database."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from catalogue.models import Work
from tests.factories import build_catalogue


@pytest.mark.django_db
def test_models_and_migrations_do_not_drift():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit:
        pytest.fail(f"Models changed without a migration; run makemigrations:\n{out.getvalue()}")


def catalogue_plan():
    graph = MigrationExecutor(connection).loader.graph
    leaves = [node for node in graph.leaf_nodes() if node[0] == "catalogue"]
    assert len(leaves) == 1, f"conflicting catalogue migrations {leaves}: run makemigrations --merge"
    return [name for app, name in graph.forwards_plan(leaves[0]) if app == "catalogue"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("filled", [False, True], ids=["empty", "filled"])
def test_every_migration_reverses_and_reapplies(filled):
    plan = catalogue_plan()
    if filled:
        build_catalogue(2)
        work = Work.objects.first()
        work.summary = "Changed, so the history table has rows too."
        work.save()
    # One step back at a time, so each migration's reverse runs on the data the
    # one before it left.
    for target in [*reversed(plan[:-1]), "zero"]:
        call_command("migrate", "catalogue", target, verbosity=0)
    call_command("migrate", "catalogue", verbosity=0)
    applied = MigrationExecutor(connection).loader.applied_migrations
    assert all(("catalogue", name) in applied for name in plan)
    # The schema works again.
    assert len(build_catalogue(1)) == 1
