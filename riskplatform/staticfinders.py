"""The static files of STATICFILES_DIRS, where the folder of an npm package may be narrowed to the files
the pages load (STATICFILES_PACKAGE_FILES, {prefix: [file, ...]}).

A package's dist folder can hold tens of megabytes of other builds and their source maps (ECharts':
46 MB), which collectstatic would otherwise copy, hash and compress on every build, for nothing.
"""

from django.conf import settings
from django.contrib.staticfiles import finders


def _kept(prefix: str, path: str) -> bool:
    files = getattr(settings, "STATICFILES_PACKAGE_FILES", {}).get(prefix)
    return files is None or path in files


class FileSystemFinder(finders.FileSystemFinder):
    def find_location(self, root, path, prefix=None):
        if prefix and path.startswith(f"{prefix}/") and not _kept(prefix, path.removeprefix(f"{prefix}/")):
            return None
        return super().find_location(root, path, prefix)

    def list(self, ignore_patterns):
        for path, storage in super().list(ignore_patterns):
            if _kept(storage.prefix, path):
                yield path, storage
