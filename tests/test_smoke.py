from enterprises.models import Category


def test_thirty_six_categories_are_seeded(db):
    assert Category.objects.count() == 36
    assert Category.objects.filter(group=Category.Group.NINE_SMALL).count() == 9
