"""manage.py boundaries_import FILE --level grid: set territory boundaries from a GeoJSON file, as the import page does."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.services import TERRITORY_LEVELS, territory_boundaries_import
from riskplatform.exceptions import ApplicationError


class Command(BaseCommand):
    help = (
        "Set the boundaries of streets, communities or grids from a GeoJSON FeatureCollection, one Polygon or "
        "MultiPolygon feature per territory, matched by its code or name. Nothing is saved unless every feature is right."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the GeoJSON file")
        parser.add_argument("--level", choices=list(TERRITORY_LEVELS), default="grid", help="what the features outline")
        parser.add_argument("--match", choices=["code", "name"], default="code", help="match territories by code or by name")
        parser.add_argument("--property", default="", help='the feature property holding it (default: "code" or "name")')

    def handle(self, *args, file: str, level: str, match: str, property: str, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(_("Cannot read %(file)s: %(error)s") % {"file": file, "error": error.strerror}) from None
        try:
            result = territory_boundaries_import(acting_user=None, level=level, data=data, match=match, property_name=property)
        except ApplicationError as error:
            raise CommandError("\n".join(error.field_errors.get("file") or [error.message])) from None
        self.stdout.write(
            self.style.SUCCESS(
                ngettext(
                    "%(count)d boundary imported: %(names)s.", "%(count)d boundaries imported: %(names)s.", len(result.updated)
                )
                % {"count": len(result.updated), "names": "、".join(result.updated)}
            )
        )
        if result.missing:
            self.stdout.write(
                ngettext(
                    "%(count)d territory of this level still has no boundary: %(names)s.",
                    "%(count)d territories of this level still have no boundary: %(names)s.",
                    len(result.missing),
                )
                % {"count": len(result.missing), "names": "、".join(result.missing)}
            )
