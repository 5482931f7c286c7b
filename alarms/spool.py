"""The local spool: where ingest keeps verified deliveries while PostgreSQL is unreachable.

Carrier platforms resend only briefly (CTWing: 3 retries, then a minute of dropped pushes),
so a push we cannot store in the database is appended here, one JSON line per delivery,
flushed and fsync'd before the platform is answered 200. ``spool_replay`` feeds the lines
back through the same store step as a live push:

1. Under the writers' lock, rename ``current.jsonl`` to ``replaying-<time>.jsonl`` (atomic);
   writers that come later start a new ``current.jsonl``. A writer opens the file only while
   it holds that lock, so no line lands in a file that is being replayed.
2. Read every line of every ``replaying-*`` file (an earlier replay killed half-way left
   its file behind, and it is replayed again first), the deliveries with a fire alarm first,
   each in the order received.
3. Store each delivery in its own transaction; the delivery's spool id and the events'
   unique keys make storing it a second time a no-op, so a replay killed half-way and run
   again duplicates nothing.
4. Remove the file only once every line is committed. Until then nothing is lost.

A torn last line (the process died while writing it) was never answered 200: it is skipped.
Only one replay runs at a time on a host (a lock file); the sweep, ingest itself once the
database answers again, and ``manage.py alarm_spool_replay`` all start one.
"""

import base64
import datetime
import fcntl
import json
import logging
import os
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

logger = logging.getLogger(__name__)

CURRENT = "current.jsonl"
WRITE_LOCK = "write.lock"
REPLAY_LOCK = "replay.lock"
_thread_lock = threading.Lock()


class SpoolError(Exception):
    """The spool could not keep the delivery (a full or read-only disk)."""


@dataclass(frozen=True)
class SpooledDelivery:
    spool_id: uuid.UUID
    integration_id: int | None
    key: str
    platform: str
    received_at: datetime.datetime
    headers: dict
    body: bytes
    verified: bool
    error: str


def spool_dir() -> Path:
    return Path(settings.ALARM_SPOOL_DIR)


@contextmanager
def _locked(path: Path, *, blocking: bool = True):
    """An exclusive lock on ``path`` (created if missing), between processes and threads alike."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        flags = fcntl.LOCK_EX if blocking else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(fd, flags)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def spool_append(
    *,
    integration_id: int | None,
    key: str,
    platform: str,
    received_at: datetime.datetime,
    headers: dict,
    body: bytes,
    verified: bool,
    error: str = "",
) -> uuid.UUID:
    """Append one delivery durably (written, flushed and fsync'd) and return its spool id; SpoolError if it cannot.

    ``verified`` False: the integration could not be read to check the signature (a web process
    started while the database was away); the replay checks it, as of ``received_at``, and drops
    what does not verify. The spool refuses to grow past ALARM_SPOOL_MAX_BYTES.
    """
    spool_id = uuid.uuid4()
    line = json.dumps(
        {
            "id": str(spool_id),
            "integration": integration_id,
            "key": key,
            "platform": platform,
            "received_at": received_at.isoformat(),
            "headers": headers,
            "body": base64.b64encode(body).decode("ascii"),
            "verified": verified,
            "error": error,
        },
        ensure_ascii=True,
        separators=(",", ":"),
    )
    directory = spool_dir()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with _thread_lock, _locked(directory / WRITE_LOCK):
            path = directory / CURRENT
            created = not path.exists()
            if not created and path.stat().st_size + len(line) > settings.ALARM_SPOOL_MAX_BYTES:
                raise SpoolError("the spool is full")
            with open(path, "ab") as spool:
                spool.write(line.encode("ascii") + b"\n")
                spool.flush()
                os.fsync(spool.fileno())
            if created:
                # The new file's name must survive a crash too, not only its content.
                _fsync_dir(directory)
    except OSError as error:
        raise SpoolError(str(error)) from error
    return spool_id


def spool_pending() -> bool:
    """Whether anything waits in the spool (a stat or two: cheap enough to ask on every push)."""
    directory = spool_dir()
    if (directory / CURRENT).exists():
        return True
    return directory.exists() and any(directory.glob("replaying-*.jsonl"))


def _read(path: Path) -> list[SpooledDelivery]:
    deliveries = []
    with open(path, "rb") as spool:
        for number, raw in enumerate(spool, start=1):
            if not raw.endswith(b"\n"):
                logger.warning("Spool %s: line %d was cut short while written; it was never acknowledged.", path.name, number)
                continue
            try:
                record = json.loads(raw)
                deliveries.append(
                    SpooledDelivery(
                        spool_id=uuid.UUID(record["id"]),
                        integration_id=int(record["integration"]) if record.get("integration") else None,
                        key=record.get("key") or "",
                        platform=record.get("platform") or "",
                        received_at=datetime.datetime.fromisoformat(record["received_at"]),
                        headers=record.get("headers") or {},
                        body=base64.b64decode(record["body"]),
                        verified=bool(record.get("verified")),
                        error=record.get("error") or "",
                    )
                )
            except (ValueError, KeyError, TypeError) as error:
                logger.error("Spool %s: line %d is unreadable (%s); skipped.", path.name, number, error)
    return deliveries


def spool_replay() -> int:
    """Store every spooled delivery (steps in the module docstring); return how many were read.

    Raises the database's error when it is still unreachable: the files stay for the next try.
    """
    from .ingest import spooled_delivery_store, spooled_has_fire_alarm

    directory = spool_dir()
    if not directory.exists():
        return 0
    with _locked(directory / REPLAY_LOCK, blocking=False) as mine:
        if not mine:
            return 0  # another replay runs on this host
        with _thread_lock, _locked(directory / WRITE_LOCK):
            current = directory / CURRENT
            if current.exists():
                stamp = timezone.now().strftime("%Y%m%dT%H%M%S%f")
                current.rename(directory / f"replaying-{stamp}.jsonl")
                _fsync_dir(directory)
        files = sorted(directory.glob("replaying-*.jsonl"))
        if not files:
            return 0
        deliveries = [delivery for path in files for delivery in _read(path)]
        # Fire alarms first, each group in the order received (sorted() is stable).
        flagged = [(not spooled_has_fire_alarm(delivery), index) for index, delivery in enumerate(deliveries)]
        order = [index for _, index in sorted(flagged)]
        for index in order:
            spooled_delivery_store(delivery=deliveries[index])
        for path in files:
            path.unlink()
        _fsync_dir(directory)
        logger.info("Spool replayed: %d deliveries.", len(deliveries))
        return len(deliveries)
