"""What the server log (stderr) shows: a refusal is one line, a crash one traceback.

A 403 or 404 is the user's lack of rights or mistake, not the server's: it is logged
without a traceback (riskplatform.logging.RefusalsWithoutTraceback). A crash is
logged once, with its traceback, not once by Django's "django" logger and again by
the root logger.
"""

import logging
import sys

import pytest

TRACEBACK = "Traceback (most recent call last)"


class CurrentStderr:
    """Whatever sys.stderr is when a record is written."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


@pytest.fixture
def server_log(capfd, monkeypatch):
    """What the server writes to stderr during the test, read by calling the fixture.

    The console handler of LOGGING was created when the settings were loaded, holding
    the sys.stderr of that moment: pytest's session-wide capture, which capfd does not
    see. For the test, every console handler writes to the sys.stderr of the moment,
    which capfd captures (it replaces sys.stderr with a new file in each test phase).
    """
    loggers = [
        logging.getLogger(),
        *(logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)),
    ]
    # Plain StreamHandlers only: pytest's own log capture subclasses it and keeps its stream.
    consoles = {handler for logger in loggers for handler in logger.handlers if type(handler) is logging.StreamHandler}
    assert consoles, "LOGGING configures a console handler"
    for handler in consoles:
        monkeypatch.setattr(handler, "stream", CurrentStderr())
    capfd.readouterr()
    return lambda: capfd.readouterr().err


def test_a_refused_page_logs_no_traceback(client, grid_worker, server_log):
    client.force_login(grid_worker)
    response = client.get("/sites/new/")

    assert response.status_code == 403
    err = server_log()
    assert "Forbidden: /sites/new/" in err
    assert TRACEBACK not in err


def test_a_refusal_raised_as_djangos_permission_denied_logs_no_traceback(client, grid_worker, server_log):
    # The admin refuses a staff member without the model's permissions by raising PermissionDenied,
    # which Django logs together with the exception.
    grid_worker.is_staff = True
    grid_worker.save(update_fields=["is_staff"])
    client.force_login(grid_worker)
    response = client.get("/admin/enterprises/site/")

    assert response.status_code == 403
    err = server_log()
    assert "Forbidden (Permission denied): /admin/enterprises/site/" in err
    assert TRACEBACK not in err


def test_an_api_refusal_logs_no_traceback(client, grid_worker, server_log):
    client.force_login(grid_worker)
    response = client.post("/api/sites/", {}, content_type="application/json")

    assert response.status_code == 403
    assert TRACEBACK not in server_log()


def test_a_page_not_found_logs_no_traceback(client, grid_worker, far_site, server_log):
    client.force_login(grid_worker)
    response = client.get(f"/sites/{far_site.pk}/")

    assert response.status_code == 404
    assert TRACEBACK not in server_log()


@pytest.mark.urls("tests.urls_crash")
@pytest.mark.parametrize("path", ["/crash/", "/api/crash/"])
def test_a_crash_logs_one_traceback(client, db, server_log, path, settings):
    assert settings.DEBUG is False  # as in production
    client.raise_request_exception = False
    response = client.get(path)

    assert response.status_code == 500
    err = server_log()
    assert err.count(TRACEBACK) == 1, err
    assert err.count("Crash: the ") == 1, err
    assert f"Internal Server Error: {path}" in err


@pytest.mark.urls("tests.urls_crash")
def test_a_crash_is_logged_once_with_debug_on_too(client, db, server_log, settings):
    # Django's own console handler writes only under DEBUG; LOGGING must have taken it off the "django" logger.
    settings.DEBUG = True
    client.raise_request_exception = False
    response = client.get("/crash/")

    assert response.status_code == 500
    assert server_log().count(TRACEBACK) == 1
