"""Walking and pruning stored files through Django's storage API (local disk or a bucket alike),
for the sweeps that remove files no row refers to (files.services, enterprises.services)."""

import datetime
from collections.abc import Iterator


def walk(storage, folder: str) -> Iterator[tuple[str, list[str]]]:
    """(folder, the file names in it) for ``folder`` and every folder below it; nothing when it does not exist."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    yield folder, files
    for directory in directories:
        yield from walk(storage, f"{folder}/{directory}")


def delete_if_older(storage, name: str, *, cutoff: datetime.datetime) -> bool:
    """Delete a stored file last written before ``cutoff``; False when it is younger or already gone.

    A file is written before the row that names it is committed, so a young file without a
    row may still get one: the sweeps leave it until it is older than any transaction runs.
    """
    try:
        if storage.get_modified_time(name) > cutoff:
            return False
        storage.delete(name)
    except FileNotFoundError:
        return False
    return True
