from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from editing.backup import BackupError, write_backup


class Command(BaseCommand):
    help = (
        "Write the whole catalogue (every row, its edit history and the accounts that history names, "
        "password hashes included) to a dated JSON file readable only by its owner (0600, in a 0700 folder) "
        "and print its path. Restore it with restore_catalogue."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            default=str(settings.BASE_DIR / "backups"),
            help="Directory for the backup file (default: backups/ in the checkout).",
        )

    def handle(self, *args, output_dir, **options):
        try:
            path, count = write_backup(output_dir, notify=self.stderr.write)
        except BackupError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] > 1:
            self.stderr.write(f"{count} objects written.")
        # The path alone on stdout, so scripts can capture it.
        self.stdout.write(str(path))
