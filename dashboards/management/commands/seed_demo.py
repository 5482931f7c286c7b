"""Load the demo street (望江路街道) and print the demo logins.

It lives in dashboards/, the top of the house, because it composes every app's part of
the demo: the registry (enterprises.demo) and its territory's outlines for the map
(enterprises.demo_boundaries), then the grades and hazards (hazards.demo), then
the device integrations, smoke detectors and stations' duties (alarms.demo).
"""

import time

import time_machine
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from alarms import demo as alarm_demo
from alarms.models import Integration
from enterprises import demo
from enterprises.demo_boundaries import seed_demo_boundaries
from enterprises.models import RiskColour
from hazards import demo as hazard_demo
from hazards.models import Hazard


class Command(BaseCommand):
    help = (
        "Load the demo street: territory, fire stations, one user per role, 1,662 site files, their risk grades, "
        "four months of hazards, one device integration per platform and a few thousand smoke detectors. "
        "Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load the demo only into a database without any street or site yet.",
        )

    def handle(self, *args, if_empty: bool = False, **options):
        created_usernames: list[str] = []
        new_secrets: dict[int, str] = {}
        if if_empty and not demo.database_is_empty():
            self.stdout.write(_("The database already holds data; the demo street was not loaded."))
        else:
            started = time.perf_counter()
            try:
                # The street registered its units on the morning its history starts.
                with time_machine.travel(hazard_demo.history_start(), tick=False):
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
            self.seed_boundaries()
            self.seed_history()
            new_secrets, alarm_usernames = self.seed_alarms()
            created_usernames = [*created_usernames, *alarm_usernames]
        logins = demo.demo_logins(known_current=created_usernames)
        self.write_logins(logins + alarm_demo.demo_logins(known_current=created_usernames))
        self.write_integrations(alarm_demo.demo_integrations(), new_secrets)

    def seed_boundaries(self) -> None:
        """The outlines of the street, its communities and grids for the map (enterprises.demo_boundaries)."""
        result = seed_demo_boundaries()
        if result.anything_created:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Boundaries drawn on the demo street's plan (not surveyed): streets: %(streets)d, "
                        "communities: %(communities)d, grids: %(grids)d."
                    )
                    % {"streets": result.streets, "communities": result.communities, "grids": result.grids}
                )
            )

    def seed_history(self) -> None:
        """The street's risk grades and its four months of hazards (hazards.demo), after the registry."""
        started = time.perf_counter()
        history = hazard_demo.seed_hazard_history()
        elapsed = time.perf_counter() - started
        if history.created:
            statuses = ", ".join(f"{label}: {history.statuses.get(value, 0)}" for value, label in Hazard.Status.choices)
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Hazard history loaded in %(seconds).1f s. Sites graded: %(graded)d, risk factors ruled out: "
                        "%(removed)d, hazards: %(hazards)d (%(statuses)s), major: %(major)d, escalated today: %(escalated)d."
                    )
                    % {
                        "seconds": elapsed,
                        "graded": history.graded,
                        "removed": history.factors_removed,
                        "hazards": history.hazards,
                        "statuses": statuses,
                        "major": history.major,
                        "escalated": history.escalated,
                    }
                )
            )
        elif history.skipped_reason == "exists":
            self.stdout.write(_("The demo street already has its hazards; none added."))
        elif history.skipped_reason == "no_users":
            self.stdout.write(_("The demo users gridworker and staff are missing or inactive; no hazard history was added."))
        if history.colours:
            colours = ", ".join(f"{label}: {history.colours.get(value, 0)}" for value, label in RiskColour.choices)
            self.stdout.write(_("Risk colours of the demo street: %(colours)s.") % {"colours": colours})
            missing = [str(label) for value, label in RiskColour.choices if not history.colours.get(value)]
            if missing:
                self.stdout.write(self.style.WARNING(_("No site is %(colours)s.") % {"colours": "、".join(missing)}))

    def seed_alarms(self) -> tuple[dict[int, str], list[str]]:
        """The device integrations, detectors, second station and duty officer (alarms.demo), after the history.

        Returns the secrets of the integrations this run created, by integration id (shown once, here),
        and the users it created.
        """
        started = time.perf_counter()
        result = alarm_demo.seed_alarm_demo()
        elapsed = time.perf_counter() - started
        if result.skipped_reason == "no_street":
            self.stdout.write(_("The demo street is missing; no smoke detectors were added."))
        elif result.anything_created:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Smoke detectors loaded in %(seconds).1f s. Integrations: %(integrations)d, detectors: %(devices)d "
                        "(%(total)d in all), fire stations: %(stations)d, station assignments: %(assignments)d, "
                        "users: %(users)d, duty officers: %(duty_officers)d."
                    )
                    % {"seconds": elapsed, "total": result.devices, **result.created}
                )
            )
        else:
            self.stdout.write(_("The demo street already has its smoke detectors; none added."))
        secrets = {item.integration.pk: item.new_secret for item in result.integrations if item.new_secret}
        return secrets, result.created_usernames

    def write_integrations(self, integrations: list[Integration], new_secrets: dict[int, str]) -> None:
        """Where each demo integration takes pushes (`manage.py simulate_devices` pushes there), as the logins are printed."""
        if not integrations:
            return
        self.stdout.write("")
        self.stdout.write(_("Demo device integrations (platform / ingest URL):"))
        for integration in integrations:
            self.stdout.write(f"  {integration.platform:<8} / {integration.ingest_url()}")
            secret = new_secrets.get(integration.pk)
            if secret:
                self.stdout.write("    " + _("secret (shown this once): %(secret)s") % {"secret": secret})

    def write_logins(self, logins: list[demo.DemoLogin]) -> None:
        if not logins:
            self.stdout.write(_("There are no demo users in this database."))
            return
        self.stdout.write("")
        self.stdout.write(_("Demo logins (username / password / role):"))
        for login in logins:
            password = login.password or _("(changed since the demo was loaded)")
            self.stdout.write(f"  {login.username:<12} / {password:<18} / {login.role}")
