"""Create (or update) an editor account for the admin.

    manage.py create_editor alice            # asks for the password twice
    manage.py create_editor bob --chief      # a chief editor (may also delete)
    DJANGO_EDITOR_PASSWORD=... manage.py create_editor carol --no-input

Editors are staff users in the "Editors" group; chief editors are in "Chief editors".
Neither is a superuser: user accounts are managed by a superuser (createsuperuser).
"""

import getpass
import os

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

EDITORS, CHIEF_EDITORS = "Editors", "Chief editors"
PASSWORD_ENV = "DJANGO_EDITOR_PASSWORD"  # noqa: S105 - the name of a variable, not a password


class Command(BaseCommand):
    help = "Create or update an editor account (staff, in the Editors or Chief editors group)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--chief", action="store_true", help="Chief editor: may also delete entries.")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help=f"Read the password from {PASSWORD_ENV}."
        )

    def handle(self, username, email, chief, interactive, **options):
        try:
            group = Group.objects.get(name=CHIEF_EDITORS if chief else EDITORS)
        except Group.DoesNotExist:
            raise CommandError("The editor groups do not exist yet: run `manage.py migrate` first.") from None
        User = get_user_model()
        user = User.objects.filter(username=username).first() or User(username=username, email=email)
        password = self.read_password(user, interactive)
        with transaction.atomic():
            user.is_staff = True
            user.is_active = True
            if email:
                user.email = email
            user.set_password(password)
            user.save()
            user.groups.remove(*Group.objects.filter(name__in=[EDITORS, CHIEF_EDITORS]))
            user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"{username} can now sign in at /admin/ as one of the {group.name}."))

    def read_password(self, user, interactive):
        password = os.environ.get(PASSWORD_ENV, "")
        if not password:
            if not interactive:
                raise CommandError(f"Set {PASSWORD_ENV} or run without --no-input to type a password.")
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                raise CommandError("The two passwords differ; nothing was changed.")
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        return password
