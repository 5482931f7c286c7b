"""The audit log's filters: who, what kind of row and which one, what was done, when, from where."""

import django_filters
from auditlog.models import LogEntry
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.filters import DaySinceFilter, DayUntilFilter
from accounts.models import User

from .audit import ACTION_LABELS, audited_content_types, content_type_label


class ContentTypeField(forms.ModelChoiceField):
    """A kind of row by its name in the reader's language (站点, 隐患, ...), not its table's."""

    def label_from_instance(self, obj) -> str:
        return content_type_label(obj)


class ContentTypeFilter(django_filters.ModelChoiceFilter):
    field_class = ContentTypeField


class AddressFilter(django_filters.CharFilter):
    """A client's address, matched whole; anything else is said to be no address, beside the field."""

    field_class = forms.GenericIPAddressField


def _types(request):
    return audited_content_types()


class AuditFilter(django_filters.FilterSet):
    actor = django_filters.ModelChoiceFilter(
        label=_("Who"),
        queryset=User.objects.order_by("username"),
        empty_label=_("Anyone"),
        # The platform's own writes (tasks, commands) have no user.
        null_label=_("The system"),
    )
    content_type = ContentTypeFilter(label=_("Kind of record"), queryset=_types, empty_label=_("Any kind"))
    object_id = django_filters.CharFilter(label=_("Record ID"), field_name="object_pk", max_length=255)
    action = django_filters.ChoiceFilter(
        label=_("Action"), choices=[(value, label) for value, label in ACTION_LABELS.items()], empty_label=_("Any action")
    )
    since = DaySinceFilter(label=_("On or after"), field_name="timestamp")
    until = DayUntilFilter(label=_("On or before"), field_name="timestamp")
    address = AddressFilter(label=_("From address"), field_name="remote_addr")

    class Meta:
        model = LogEntry
        fields = ["actor", "content_type", "object_id", "action", "since", "until", "address"]
