"""manage.py alarm_spool_replay: store what ingest spooled while the database was unreachable (alarms.spool)."""

from django.core.management.base import BaseCommand

from alarms.spool import spool_replay


class Command(BaseCommand):
    help = "Replay the local spool of deliveries into the database, fire alarms first; running it twice stores nothing twice."

    def handle(self, *args, **options):
        count = spool_replay()
        self.stdout.write(f"{count} spooled deliveries replayed.")
