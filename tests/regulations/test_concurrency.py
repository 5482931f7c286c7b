"""Two administrators revise one item at the same moment, each on a connection of its own: the
lock on the item numbers their versions 2 and 3, never two versions 2."""

import threading

import pytest
from django.db import connections, transaction

from regulations import services
from regulations.models import ChecklistItem
from tests.enterprises.test_concurrency import waiting_for_locks

pytestmark = pytest.mark.django_db(transaction=True)


class Worker(threading.Thread):
    def __init__(self, function):
        super().__init__(daemon=True)
        self.function, self.result, self.error = function, None, None

    def run(self):
        try:
            self.result = self.function()
        except Exception as error:  # the test inspects it
            self.error = error
        finally:
            connections.close_all()


def test_two_revisions_at_once_make_versions_two_and_three(make_item, admin_user):
    item = make_item()
    revised, release = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            version = services.checklist_item_revise(item=item, acting_user=admin_user, data={"threshold": "3"})
            revised.set()
            # Still uncommitted: the second revision waits for the lock on the item.
            release.wait(10)
        return version

    def second():
        revised.wait(10)
        return services.checklist_item_revise(item=item, acting_user=admin_user, data={"unit": "个"})

    one, two = Worker(first), Worker(second)
    one.start()
    two.start()
    waiting_for_locks(1)
    release.set()
    one.join(15)
    two.join(15)
    assert one.error is None and two.error is None
    assert sorted([one.result.version, two.result.version]) == [2, 3]
    item = ChecklistItem.objects.get(pk=item.pk)
    assert sorted(item.versions.values_list("version", flat=True)) == [1, 2, 3]
    latest = item.current_version
    # The second revision started from the first one's version: both changes are kept.
    assert (latest.version, latest.threshold, latest.unit) == (3, 3, "个")
