import pytest
from django.db import connections
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
def test_a(desktop_page):
    c = connections["default"]
    print("\nA", id(c), hasattr(c, "_test_serialized_contents"), len(getattr(c, "_test_serialized_contents", "")))
def test_b(desktop_page):
    c = connections["default"]
    from enterprises.models import Category
    print("\nB", id(c), hasattr(c, "_test_serialized_contents"), Category.objects.count())
