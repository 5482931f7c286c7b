"""Validators for identity fields of a site file."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 32100-2015 §4: the code's character set (digits and capitals without I, O, Z, S, V).
CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
# GB 32100-2015 §5: weight of position i (1-based) is 3^(i-1) mod 31.
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code_check_character(first_17: str) -> str:
    """The check character (position 18) of a unified social credit code, GB 32100-2015 §5."""
    total = sum(CREDIT_CODE_CHARSET.index(char) * weight for char, weight in zip(first_17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Check a unified social credit code (统一社会信用代码): 18 characters, right check character."""
    if len(value) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d."),
            code="credit_code_length",
            params={"length": len(value)},
        )
    bad = sorted({char for char in value if char not in CREDIT_CODE_CHARSET})
    if bad:
        raise ValidationError(
            _("A unified social credit code may not contain %(chars)s (GB 32100: digits and capitals without I, O, Z, S, V)."),
            code="credit_code_charset",
            params={"chars": "".join(bad)},
        )
    expected = credit_code_check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("The check character of this credit code is wrong (GB 32100): the last character should be %(expected)s."),
            code="credit_code_check",
            params={"expected": expected},
        )


def normalize_credit_code(value: str) -> str:
    return (value or "").strip().upper().replace(" ", "")


# Mainland mobile numbers (1 + 10 digits) and landlines with area code, optionally an extension.
PHONE_PATTERN = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,6})?|400-?\d{3}-?\d{4})$")


def normalize_phone(value: str) -> str:
    value = (value or "").strip().replace(" ", "").replace("—", "-").replace("－", "-")
    if value.startswith("+86"):
        value = value[3:]
    return value


def validate_phone(value: str) -> None:
    if value and not PHONE_PATTERN.match(value):
        raise ValidationError(
            _("Enter a mobile number of 11 digits or a landline with its area code, e.g. 13800138000 or 028-85551234."),
            code="phone",
        )
