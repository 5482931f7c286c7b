"""manage.py simulate_devices: registered detectors push to a running server as OneNET, CTWing and
the webhook do (alarms.simulator); the demo shows the console working with it.

    manage.py simulate_devices                          # 100 detectors, 10 pushes a second for a minute
    manage.py simulate_devices --fire                   # one fire alarm from a random detector, then stop
    manage.py simulate_devices --fire 865820061047291   # ... from this IMEI (or platform device id)

It reads the integrations and devices from the database, so it runs where the server's
database is (beside ``make run``).
"""

import random
import socket
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from alarms import simulator
from alarms.models import Device, EventType, Platform
from alarms.services import stations_for_site


def share(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        "Push realistic OneNET, CTWing and webhook reports of registered smoke detectors to a running server: "
        "heartbeats, low batteries, tampering, resends of the same message, and a fire alarm on demand."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000", help="The server, as `make run` serves it.")
        parser.add_argument("--devices", type=int, default=100, help="How many registered detectors report (default 100).")
        parser.add_argument("--rate", type=float, default=10.0, help="Pushes per second, all detectors together (default 10).")
        parser.add_argument(
            "--duration", type=float, default=None, help="Seconds to push for (default 60; with --fire alone: none)."
        )
        parser.add_argument("--platform", choices=["all", *Platform.values], default="all")
        parser.add_argument(
            "--resend-every", type=int, default=20, metavar="N", help="Send every Nth push twice, as platforms resend (0: never)."
        )
        parser.add_argument(
            "--low-battery", type=share, default=0.01, metavar="SHARE", help="Share of pushes reporting a low battery."
        )
        parser.add_argument(
            "--tamper", type=share, default=0.005, metavar="SHARE", help="Share of pushes reporting a detector removed."
        )
        parser.add_argument(
            "--fire",
            nargs="?",
            const="random",
            default=None,
            metavar="IMEI",
            help="Raise a fire alarm first: from the detector of this IMEI or platform device id, or a random one.",
        )
        parser.add_argument("--workers", type=int, default=4, help="Pushes in flight at once (default 4).")
        parser.add_argument("--seed", type=int, default=None, help="Pick the same detectors and events again.")
        parser.add_argument("--timeout", type=float, default=10.0, help="Seconds to wait for an answer.")

    def handle(self, *args, **options):
        rng = random.Random(options["seed"])
        try:
            sender = simulator.Sender(options["url"], timeout=options["timeout"])
        except simulator.SimulationError as error:
            raise CommandError(str(error)) from error
        self.check_server(sender, options["url"])
        summary = simulator.Summary()
        fire_only = options["fire"] is not None and options["duration"] is None
        try:
            if options["fire"] is not None:
                self.fire(sender, summary, key=options["fire"], platform=options["platform"], rng=rng)
            if not fire_only:
                self.traffic(sender, summary, rng=rng, **options)
        except KeyboardInterrupt:
            self.stdout.write(_("Stopped."))
        finally:
            sender.close()
        for line in summary.report():
            self.stdout.write(line)

    def check_server(self, sender: simulator.Sender, url: str) -> None:
        port = sender.port or (443 if sender.scheme == "https" else 80)
        try:
            socket.create_connection((sender.host, port), timeout=sender.timeout).close()
        except OSError as error:
            raise CommandError(
                _("No server answers at %(url)s (%(error)s); start it with `make run`.") % {"url": url, "error": error}
            ) from error

    def fire(self, sender, summary, *, key: str, platform: str, rng: random.Random) -> None:
        try:
            device = simulator.device_find(key=key, platform=platform, rng=rng)
            push = simulator.push_build(device=device, event_type=EventType.FIRE_ALARM, rng=rng)
        except simulator.SimulationError as error:
            raise CommandError(str(error)) from error
        answer = simulator.push_send(sender=sender, push=push, summary=summary)
        site = Device.objects.select_related("site__grid__community").get(pk=device.pk).site
        primary, backup = stations_for_site(site=site)
        self.stdout.write(
            _("Fire alarm from %(device)s (%(platform)s), %(address)s: answered %(status)s in %(ms).0f ms.")
            % {
                "device": device.label,
                "platform": device.platform,
                "address": site.address,
                "status": answer.status or _("nothing"),
                "ms": answer.seconds * 1000,
            }
        )
        self.stdout.write(
            _("Primary station: %(primary)s; backup: %(backup)s.")
            % {"primary": primary or _("none"), "backup": backup or _("none")}
        )

    def traffic(self, sender, summary, *, rng: random.Random, **options) -> None:
        devices = simulator.devices_load(platform=options["platform"], count=max(1, options["devices"]), rng=rng)
        if not devices:
            raise CommandError(_("No registered devices of an active integration; load the demo with `manage.py seed_demo`."))
        duration = 60.0 if options["duration"] is None else options["duration"]
        per_platform = ", ".join(
            f"{platform}: {sum(device.platform == platform for device in devices)}"
            for platform in Platform.values
            if any(device.platform == platform for device in devices)
        )
        self.stdout.write(
            _("%(rate)g pushes a second from %(count)d detectors (%(platforms)s) to %(url)s for %(seconds)g s.")
            % {
                "rate": options["rate"],
                "count": len(devices),
                "platforms": per_platform,
                "url": options["url"],
                "seconds": duration,
            }
        )
        started = time.monotonic()
        last = [started]

        def progress(current: simulator.Summary) -> None:
            if time.monotonic() - last[0] >= 10:
                last[0] = time.monotonic()
                statuses = ", ".join(f"{status or '-'}: {count}" for status, count in sorted(current.statuses.items()))
                self.stdout.write(
                    _("%(seconds).0f s: %(sent)d sent (%(statuses)s)")
                    % {"seconds": last[0] - started, "sent": current.sent, "statuses": statuses}
                )

        simulator.simulate(
            devices=devices,
            sender=sender,
            rate=options["rate"],
            duration=duration,
            resend_every=max(0, options["resend_every"]),
            low_battery_share=options["low_battery"],
            tamper_share=options["tamper"],
            workers=options["workers"],
            rng=rng,
            summary=summary,
            on_progress=progress,
        )
