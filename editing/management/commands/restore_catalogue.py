from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from editing.backup import rows_in_the_way, unapplied_migrations


class Command(BaseCommand):
    help = (
        "Load a backup written by backup_catalogue into an empty, migrated database "
        "(the one DATABASE_URL names). Refuses a database that already holds catalogue rows or accounts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backups/catalogue-*.json file.")

    def handle(self, *args, file, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No backup file at {path}.")
        database = connection.settings_dict["NAME"]
        if unapplied_migrations():
            raise CommandError(f"The database {database} is not fully migrated: run `manage.py migrate` first.")
        in_the_way = rows_in_the_way()
        if in_the_way:
            listing = ", ".join(f"{count} {label}" for label, count in sorted(in_the_way.items()))
            raise CommandError(
                f"The database {database} is not empty ({listing}). A restore goes into an empty, migrated "
                "database: point DATABASE_URL at a new database, run `manage.py migrate` (without loading "
                "fixtures), then restore. Nothing was changed."
            )
        # loaddata runs in one transaction: a broken file leaves the database as it was.
        call_command("loaddata", str(path.resolve()), verbosity=options["verbosity"])
        self.stdout.write(self.style.SUCCESS(f"Restored {path} into {database}."))
