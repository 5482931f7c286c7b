"""manage.py integration_rotate --name NAME [--secret S]: a new secret; the old one verifies for ALARM_SECRET_GRACE_SECONDS."""

from django.core.management.base import BaseCommand, CommandError

from alarms.models import Integration
from alarms.services import integration_rotate


class Command(BaseCommand):
    help = "Rotate an integration's secret and print the new one once; the previous one stays valid for a grace period."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument(
            "--secret", default="", help="The new secret (OneNET: the token entered on OneNET); empty: a random one."
        )

    def handle(self, *args, name: str, secret: str, **options):
        integration = Integration.objects.filter(name=name).first()
        if integration is None:
            raise CommandError(f"No integration named {name!r}.")
        rotated = integration_rotate(integration=integration, acting_user=None, secret=secret)
        self.stdout.write(f"ingest URL: {rotated.ingest_url}")
        self.stdout.write(f"secret: {rotated.secret}")
