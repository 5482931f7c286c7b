"""factory-boy factories for the people, the territory and the registry."""

import factory
from django.contrib.auth.hashers import make_password

from accounts.models import Community, FireStation, Grid, Street, User
from enterprises.models import Category, Site
from enterprises.validators import CREDIT_CODE_CHARSET, credit_code_check_character

PASSWORD = "correct-horse-42"
# Hashing once keeps factories fast; every persona signs in with PASSWORD.
PASSWORD_HASH = make_password(PASSWORD)


def credit_code(n: int) -> str:
    """A valid unified social credit code (GB 32100) made from a number."""
    body = "9151010" + "".join(CREDIT_CODE_CHARSET[(n // 31**i) % 31] for i in range(9, -1, -1))
    body = body[:17]
    return body + credit_code_check_character(body)


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"测试街道{n}")
    code = factory.Sequence(lambda n: f"ST{n:03d}")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试社区{n}")
    code = factory.Sequence(lambda n: f"CM{n:04d}")


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    community = factory.SubFactory(CommunityFactory)
    name = factory.Sequence(lambda n: f"第{n}网格")
    code = factory.Sequence(lambda n: f"GD{n:05d}")


class FireStationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FireStation
        skip_postgeneration_save = True

    street = factory.SubFactory(StreetFactory)
    name = factory.Sequence(lambda n: f"测试微型消防站{n}")
    phone = "028-85550119"

    @factory.post_generation
    def grids(self, create, extracted, **kwargs):
        if create and extracted:
            self.grids.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    password = PASSWORD_HASH
    role = User.Role.GRID_WORKER

    @factory.post_generation
    def grids(self, create, extracted, **kwargs):
        if create and extracted:
            self.grids.set(extracted)


def category(code: str = "XS01") -> Category:
    """One of the 36 seeded categories (XS01 small shop, ZZ01 residential courtyard, ...)."""
    return Category.objects.get(code=code)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"测试商店{n}")
    credit_code = factory.Sequence(lambda n: credit_code(n + 1))
    category = factory.LazyFunction(category)
    grid = factory.SubFactory(GridFactory)
    address = factory.Sequence(lambda n: f"测试路{n}号")
    responsible_person = "张三"
    responsible_phone = "13800138000"
    floor_area = 80
