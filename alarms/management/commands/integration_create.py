"""manage.py integration_create --platform onenet|ctwing|webhook --name NAME: for scripted deployments.

Prints the ingest URL and the secret once; the secret is not shown again (rotate it to get a new one).
"""

from django.core.management.base import BaseCommand, CommandError

from alarms.models import Platform
from alarms.services import integration_create
from riskplatform.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Create an integration (a platform account pushing device events) and print its ingest URL and secret once."

    def add_arguments(self, parser):
        parser.add_argument("--platform", required=True, choices=Platform.values)
        parser.add_argument("--name", required=True)
        parser.add_argument("--aes-key", default="", help="OneNET safe mode: the EncodingAESKey set on OneNET.")

    def handle(self, *args, platform: str, name: str, aes_key: str, **options):
        try:
            created = integration_create(acting_user=None, platform=platform, name=name, aes_key=aes_key)
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(f"ingest URL: {created.ingest_url}")
        self.stdout.write(f"secret: {created.secret}")
        self.stdout.write("The secret is shown only now; keep it where the platform's push is configured.")
