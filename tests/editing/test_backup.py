"""`make backup` / `make restore`: the round trip loses nothing, history included,
on SQLite and on PostgreSQL."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from catalogue.models import Performer, Song, Work
from editing.backup import backup_objects
from loadtest.server import ROOT
from tests.factories import build_catalogue

EDITS = """
from django.contrib.auth import get_user_model
from catalogue.models import Song, Work
editor = get_user_model().objects.create_user("backup-editor", "e@example.org", "a passphrase nobody guesses")
work = Work.objects.order_by("pk").first()
work._history_user = editor
work.summary = "Edited once, with a history row that names its editor: 드라마."
work.save()
song = Song.objects.filter(work__isnull=False).order_by("pk").last()
song._history_user = editor
song.save()
song.delete()  # history of a row that no longer exists, and of its credits
print(Work.history.count(), Song.history.count())
"""


def canonical(objects):
    return json.dumps(objects, sort_keys=True, default=str)


def make_edits():
    exec(EDITS, {})  # noqa: S102 - the same edits the PostgreSQL test runs in a subprocess


@pytest.mark.django_db(transaction=True)
def test_round_trip_is_lossless(tmp_path, capsys):
    build_catalogue(3)
    make_edits()
    before = backup_objects()
    assert any(o["model"] == "catalogue.historicalsong" and o["fields"]["history_type"] == "-" for o in before)

    call_command("backup_catalogue", "--output-dir", str(tmp_path))
    printed = Path(capsys.readouterr().out.strip().splitlines()[-1])  # the command prints the path last
    assert printed.parent == tmp_path
    assert printed.name.startswith("catalogue-") and printed.suffix == ".json"

    # Restoring over a database that still holds the catalogue is refused, untouched.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore_catalogue", str(printed))
    assert canonical(backup_objects()) == canonical(before)

    call_command("flush", "--no-input", verbosity=0)
    assert Work.objects.count() == Song.objects.count() == Performer.objects.count() == 0
    call_command("restore_catalogue", str(printed), verbosity=0)

    after = backup_objects()
    assert len(after) == len(before)
    assert canonical(after) == canonical(before)
    # The restored history still belongs to its rows and editor.
    work = Work.objects.order_by("pk").first()
    latest = work.history.first()
    assert latest.summary == work.summary
    assert latest.history_user == get_user_model().objects.get(username="backup-editor")


def test_restore_of_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="No backup file"):
        call_command("restore_catalogue", str(tmp_path / "nope.json"))


# --- PostgreSQL, through the commands `make backup` and `make restore` run -----------


def postgres_admin():
    psycopg = pytest.importorskip("psycopg")
    try:
        return psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL is not answering on 127.0.0.1:5432: {error}")


def manage(database_url, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_URL"))}
    env.update({"DATABASE_URL": database_url, "DJANGO_LOG_LEVEL": "WARNING"})
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.mark.slow
def test_round_trip_on_postgresql_and_across_databases(tmp_path):
    prefix = os.environ.get("OSTSITE_TEST_PG_PREFIX", "trust_")
    names = [f"{prefix}backup_source", f"{prefix}backup_target"]
    admin = postgres_admin()
    with admin:
        for name in names:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
    source, target = (f"postgresql://postgres@127.0.0.1:5432/{name}" for name in names)
    sqlite_copy = f"sqlite:///{tmp_path}/restored.sqlite3"
    try:
        manage(source, "migrate", "--no-input", "--verbosity", "0")
        fixtures = sorted(str(p) for p in (ROOT / "fixtures").glob("*.json"))
        manage(source, "loaddata", "--verbosity", "0", *fixtures)
        manage(source, "shell", "-c", EDITS)
        first = Path(manage(source, "backup_catalogue", "--output-dir", str(tmp_path / "a")).strip())

        for url in (target, sqlite_copy):  # PostgreSQL to PostgreSQL, and to SQLite
            manage(url, "migrate", "--no-input", "--verbosity", "0")
            manage(url, "restore_catalogue", str(first))
            again = Path(manage(url, "backup_catalogue", "--output-dir", str(tmp_path / "b")).strip())
            assert canonical(json.loads(again.read_text())) == canonical(json.loads(first.read_text())), url
            again.unlink()
    finally:
        with postgres_admin() as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_covers_every_catalogue_table():
    from django.apps import apps

    from editing.backup import backup_models

    covered = set(backup_models())
    for model in apps.get_app_config("catalogue").get_models():
        assert model in covered, model


# --- Who can read a backup, and which accounts it holds -------------------------------


@pytest.fixture
def open_umask():
    """The usual umask (022), under which plain open() makes 0644 files and 0755 folders."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path):
    return path.stat().st_mode & 0o777


@pytest.mark.django_db
def test_backup_files_and_their_folder_are_private(tmp_path, capsys, open_umask):
    build_catalogue(1)
    folder = tmp_path / "backups"
    call_command("backup_catalogue", "--output-dir", str(folder))
    path = Path(capsys.readouterr().out.strip().splitlines()[-1])
    assert mode(folder) == 0o700
    assert mode(path) == 0o600
    assert not list(folder.glob("*.partial"))


@pytest.mark.django_db
def test_an_existing_open_backup_folder_is_tightened_and_said_so(tmp_path, capsys, open_umask):
    build_catalogue(1)
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)
    call_command("backup_catalogue", "--output-dir", str(folder))
    captured = capsys.readouterr()
    path = Path(captured.out.strip().splitlines()[-1])
    assert mode(folder) == 0o700
    assert mode(path) == 0o600
    assert "0755" in captured.err and "0700" in captured.err
    # Already private: nothing to say, the path alone on stdout.
    call_command("backup_catalogue", "--output-dir", str(folder))
    captured = capsys.readouterr()
    assert captured.err == ""
    assert Path(captured.out.strip()).parent == folder


@pytest.mark.django_db
def test_an_open_folder_that_cannot_be_tightened_is_refused(tmp_path, monkeypatch, open_umask):
    folder = tmp_path / "backups"
    folder.mkdir(mode=0o755)
    folder.chmod(0o755)

    def refuse(self, mode, **kwargs):
        raise PermissionError(1, "Operation not permitted", str(self))

    monkeypatch.setattr(Path, "chmod", refuse)
    with pytest.raises(CommandError, match="readable by other users"):
        call_command("backup_catalogue", "--output-dir", str(folder))
    assert list(folder.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_backup_holds_only_the_accounts_the_history_names(tmp_path, capsys):
    user_model = get_user_model()
    build_catalogue(2)
    make_edits()  # backup-editor edits a work and a song
    user_model.objects.create_superuser("root", "root@example.org", "the superuser's own passphrase")
    user_model.objects.create_user("idle-editor", "idle@example.org", "another passphrase nobody guesses")
    hashes = dict(user_model.objects.values_list("username", "password"))

    call_command("backup_catalogue", "--output-dir", str(tmp_path))
    path = Path(capsys.readouterr().out.strip().splitlines()[-1])
    text = path.read_text(encoding="utf-8")
    accounts = [o for o in json.loads(text) if o["model"] == "auth.user"]

    assert [a["fields"]["username"] for a in accounts] == ["backup-editor"]
    assert hashes["root"] not in text and hashes["idle-editor"] not in text
    assert accounts[0]["fields"]["password"] == hashes["backup-editor"]  # so the editor can log in after a restore

    # An account that edited is named, even a superuser's.
    work = Work.objects.order_by("pk").last()
    work._history_user = user_model.objects.get(username="root")
    work.save()
    usernames = {o["fields"]["username"] for o in backup_objects() if o["model"] == "auth.user"}
    assert usernames == {"backup-editor", "root"}
