import pytest
from django.core.exceptions import ValidationError

from enterprises.validators import credit_code_check_character, validate_credit_code, validate_phone
from tests.factories import credit_code

# Published codes of real organisations (GB 32100 examples and public registers).
VALID_CODES = [
    "91350100M000100Y43",
    "91110000600037341L",  # a Beijing-registered enterprise
    "11100000000013127D",  # a central government body
]


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_codes_pass(code):
    validate_credit_code(code)


def test_generated_codes_pass():
    for n in range(1, 500):
        validate_credit_code(credit_code(n))


def test_wrong_check_character_is_refused_and_names_the_right_one():
    code = "91350100M000100Y43"
    wrong = code[:17] + ("4" if code[17] != "4" else "5")
    with pytest.raises(ValidationError) as error:
        validate_credit_code(wrong)
    assert error.value.code == "credit_code_check"
    assert "3" in str(error.value.messages[0])


@pytest.mark.parametrize("code", ["91350100M000100Y4", "91350100M000100Y433", ""])
def test_wrong_length_is_refused(code):
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == "credit_code_length"


def test_letters_outside_the_charset_are_refused():
    with pytest.raises(ValidationError) as error:
        validate_credit_code("91350100I000100Y43")
    assert error.value.code == "credit_code_charset"


def test_check_character_can_be_zero_or_a_letter():
    # Remainder 0 maps to "0" (GB 32100 §5: 31 - 0 -> 31 -> 0).
    body = "9135010000000000"
    for last in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        code = body + last
        validate_credit_code(code + credit_code_check_character(code))


@pytest.mark.parametrize("phone", ["13800138000", "028-85551234", "02885551234", "028-85551234-802", "400-820-8820"])
def test_valid_phones(phone):
    validate_phone(phone)


@pytest.mark.parametrize("phone", ["12345", "1380013800", "23800138000", "phone"])
def test_invalid_phones(phone):
    with pytest.raises(ValidationError):
        validate_phone(phone)
