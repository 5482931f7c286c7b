"""The truncation after a transactional test survives being a deadlock's victim (tests/conftest.py)."""

import psycopg
import pytest
from django.db import OperationalError

from tests.conftest import _flush_retrying_deadlocks


def failing(times: int, cause: Exception):
    calls = []

    def flush(self, sql_list):
        calls.append(sql_list)
        if len(calls) <= times:
            raise OperationalError("deadlock detected") from cause
        return "flushed"

    return flush, calls


def test_a_deadlocked_truncation_is_tried_again():
    flush, calls = failing(2, psycopg.errors.DeadlockDetected("deadlock detected"))
    assert _flush_retrying_deadlocks(flush)(None, ["TRUNCATE x"]) == "flushed"
    assert len(calls) == 3


def test_other_errors_are_not_hidden():
    flush, calls = failing(1, psycopg.errors.UndefinedTable("no such table"))
    with pytest.raises(OperationalError):
        _flush_retrying_deadlocks(flush)(None, ["TRUNCATE x"])
    assert len(calls) == 1
