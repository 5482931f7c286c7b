"""Load the demo street (望江路街道) and print the demo logins."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from enterprises import demo


class Command(BaseCommand):
    help = "Load the demo street: territory, fire station, one user per role and 1,662 site files. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load the demo only into a database without any street or site yet.",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        created_usernames: list[str] = []
        if if_empty and not demo.database_is_empty():
            self.stdout.write(_("The database already holds data; the demo street was not loaded."))
        else:
            started = time.perf_counter()
            try:
                result = demo.seed_demo()
            except demo.DemoSeedError as error:
                raise CommandError(str(error)) from error
            elapsed = time.perf_counter() - started
            created_usernames = result.created_usernames
            if result.anything_created:
                counts = result.created
                self.stdout.write(
                    self.style.SUCCESS(
                        _(
                            "Demo street loaded in %(seconds).1f s. Streets: %(streets)d, communities: %(communities)d, "
                            "grids: %(grids)d, fire stations: %(stations)d, users: %(users)d, site files: %(sites)d."
                        )
                        % {"seconds": elapsed, **counts}
                    )
                )
            else:
                self.stdout.write(_("The demo street is already loaded; nothing to add."))
        self.write_logins(demo.demo_logins(known_current=created_usernames))

    def write_logins(self, logins: list[demo.DemoLogin]) -> None:
        if not logins:
            self.stdout.write(_("There are no demo users in this database."))
            return
        self.stdout.write("")
        self.stdout.write(_("Demo logins (username / password / role):"))
        for login in logins:
            password = login.password or _("(changed since the demo was loaded)")
            self.stdout.write(f"  {login.username:<12} / {password:<18} / {login.role}")
