"""Fixtures of the whole suite.

First how the suite keeps to itself: this run's own test database and Redis keys
(tests/testrun.py), and the seeded reference data back for each transactional test
(tests/reference_data.py). The servers and the Celery worker are in tests/servers.py.

Then the personas shared by the tests (STYLE.md): two grids of one community, a grid
in another community, the people who work them, street staff, a station and an admin.
"""

import os
import time

import psycopg
import pytest
from django.db import OperationalError
from django.db.backends.postgresql.operations import DatabaseOperations
from hypothesis import settings as hypothesis_settings
from hypothesis.configuration import set_hypothesis_home_dir

from accounts.models import User
from tests import testrun
from tests.factories import (
    CommunityFactory,
    FireStationFactory,
    GridFactory,
    SiteFactory,
    StreetFactory,
    UserFactory,
)
from tests.reference_data import ensure_reference_data

# Property tests (hypothesis): CI tries the same inputs on every run and keeps none; a developer's runs
# explore new ones and remember the failing ones, under var/ rather than in the work tree.
# HYPOTHESIS_PROFILE chooses another profile.
set_hypothesis_home_dir("var/hypothesis")
hypothesis_settings.register_profile("ci", derandomize=True, database=None, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """This run's own test database, so that another run on the machine does not drop it (tests/testrun.py)."""
    testrun.name_test_databases()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, with its reference data even when kept truncated by an earlier run (--reuse-db)."""
    if testrun.test_database_created():
        with django_db_blocker.unblock():
            ensure_reference_data()


@pytest.fixture(scope="session", autouse=True)
def _no_redis_keys_left():
    """This run's Redis keys (cache, channel layer, broker) go when the run ends."""
    yield
    testrun.delete_run_keys()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if marker is not None:
        if marker.args[:1] == (True,) or marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences"):
            return True
    return bool({"transactional_db", "django_db_reset_sequences"} & set(request.fixturenames))


def _flush_retrying_deadlocks(flush):
    """The truncation after a transactional test, tried again when PostgreSQL chose it as a deadlock's victim.

    The session's Celery worker (tests/servers.py) may still be finishing a task of the test that
    just ended; TRUNCATE waits for the rows it locks, and a lock taken in the other order makes a
    deadlock. Tried again, the truncation runs once the task's transaction has ended; the task
    itself takes primary keys and finds nothing left to do (STYLE.md, idempotent tasks).
    """

    def execute_sql_flush(self, sql_list):
        for attempt in range(1, 6):
            try:
                return flush(self, sql_list)
            except OperationalError as error:
                if attempt == 5 or not isinstance(error.__cause__, psycopg.errors.DeadlockDetected):
                    raise
                time.sleep(0.2 * attempt)

    return execute_sql_flush


DatabaseOperations.execute_sql_flush = _flush_retrying_deadlocks(DatabaseOperations.execute_sql_flush)

# Content types and permissions are kept by the truncation: the processes the tests start (the
# session's uvicorn and Celery worker) cache content type ids (the audit log writes them), and
# rows made again after a truncation would get new ids those caches do not know.
KEPT_BY_FLUSH = frozenset({"django_content_type", "auth_permission"})


def _flush_keeping(sql_flush):
    def flush_sql(self, style, tables, *args, **kwargs):
        return sql_flush(self, style, [table for table in tables if table not in KEPT_BY_FLUSH], *args, **kwargs)

    return flush_sql


DatabaseOperations.sql_flush = _flush_keeping(DatabaseOperations.sql_flush)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """A transactional test starts with the seeded reference data (the categories), which the
    previous transactional test's truncation removed (tests/reference_data.py)."""
    if _is_transactional(request):
        request.getfixturevalue("transactional_db")
        ensure_reference_data()


@pytest.fixture(scope="session")
def anyio_backend():
    """Async tests (`pytest.mark.anyio`: the browser journeys) run on asyncio, as Playwright does."""
    return "asyncio"


@pytest.fixture(autouse=True)
def _plain_http(settings):
    """Tests speak plain HTTP to the test server; production redirects to HTTPS."""
    settings.SECURE_SSL_REDIRECT = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    # Static files come from the finders, as in development; no collectstatic manifest needed.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (API throttles count in it): this run's keys only."""
    testrun.clear_cache()


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of the test's own, on a free port, to stop and start (tests/redis_server.py)."""
    from tests.redis_server import RedisServer

    with RedisServer(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def gateway():
    """A notifier gateway the test serves on 127.0.0.1 (tests/alarms/test_notifiers.py)."""
    from tests.alarms.test_notifiers import Gateway

    server = Gateway()
    yield server
    server.close()


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded and stored files (documents, imports, photos) go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def client_for(client):
    """The test client signed in as a persona, reading the pages in English."""

    def sign_in(user):
        client.force_login(user)
        client.cookies["django_language"] = "en"
        return client

    return sign_in


@pytest.fixture
def street(db):
    return StreetFactory(name="望江路街道", code="WJL")


@pytest.fixture
def community(street):
    return CommunityFactory(street=street, name="望江社区")


@pytest.fixture
def other_community(street):
    return CommunityFactory(street=street, name="郭家桥社区")


@pytest.fixture
def grid(community):
    return GridFactory(community=community, name="第一网格")


@pytest.fixture
def neighbour_grid(community):
    return GridFactory(community=community, name="第二网格")


@pytest.fixture
def far_grid(other_community):
    return GridFactory(community=other_community, name="第九网格")


@pytest.fixture
def grid_worker(grid):
    """Liu Dong walks the first grid."""
    return UserFactory(username="liudong", full_name="刘东", role=User.Role.GRID_WORKER, grids=[grid])


@pytest.fixture
def colleague(grid):
    """Another grid worker of the same grid."""
    return UserFactory(username="colleague", full_name="王芳", role=User.Role.GRID_WORKER, grids=[grid])


@pytest.fixture
def outsider(far_grid):
    """A grid worker of a grid in another community."""
    return UserFactory(username="outsider", full_name="赵强", role=User.Role.GRID_WORKER, grids=[far_grid])


@pytest.fixture
def staff(street):
    """Street office safety staff: sees and maintains the whole street."""
    return UserFactory(username="renshen", full_name="任参", role=User.Role.STREET_STAFF, street=street)


@pytest.fixture
def station(street, grid, neighbour_grid):
    """The micro fire station covers the first community's grids only."""
    return FireStationFactory(street=street, name="望江路微型消防站", grids=[grid, neighbour_grid])


@pytest.fixture
def operator(station):
    return UserFactory(username="operator", full_name="消防员", role=User.Role.STATION_OPERATOR, station=station)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", full_name="管理员", role=User.Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def site(grid):
    return SiteFactory(grid=grid, name="望江兰庭便利店", address="郭家桥北街1号")


@pytest.fixture
def neighbour_site(neighbour_grid):
    return SiteFactory(grid=neighbour_grid, name="川味小面馆", address="郭家桥北街5号")


@pytest.fixture
def far_site(far_grid):
    return SiteFactory(grid=far_grid, name="远方五金店", address="远方路9号")
