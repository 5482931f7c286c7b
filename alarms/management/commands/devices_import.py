"""manage.py devices_import FILE.csv --user USERNAME: register devices from the registry's device columns."""

from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from alarms.services import DEVICE_IMPORT_COLUMNS, devices_import
from riskplatform.exceptions import ApplicationError


class Command(BaseCommand):
    help = f"Register devices from a CSV file with the columns {', '.join(DEVICE_IMPORT_COLUMNS)}."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--user", required=True, help="Street staff or admin whose scope the sites must be in.")

    def handle(self, *args, file: str, user: str, **options):
        acting_user = User.objects.filter(username=user).first()
        if acting_user is None:
            raise CommandError(f"No user {user!r}.")
        with open(file, encoding="utf-8-sig") as source:
            text = source.read()
        try:
            result = devices_import(acting_user=acting_user, text=text)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        if result.errors:
            raise CommandError("\n".join(result.errors))
        self.stdout.write(f"{result.created} devices registered, {result.updated} updated.")
