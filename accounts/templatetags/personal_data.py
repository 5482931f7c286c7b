"""Template filters of the personal-data rule (accounts.personal_data).

{% load personal_data %}
{% if site|personal_data_visible_to:user %}<a href="tel:{{ site.responsible_phone }}">…</a>
{% else %}{{ site.responsible_phone|mask_phone }}{% endif %}
"""

from django import template

from accounts import personal_data

register = template.Library()


@register.filter
def personal_data_visible_to(site, user) -> bool:
    return personal_data.user_may_see_personal_data(user=user, site=site)


@register.filter
def mask_phone(phone: str) -> str:
    return personal_data.mask_phone(phone)
