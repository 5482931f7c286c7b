"""Natural ordering of clause numbers: "6.1.2" before "6.1.10", "第九条" before "第十六条".

A plain module (no models), so that the seed migration can use it as well as the services.
"""

import re

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
ARTICLE = re.compile(r"^第?([零〇一二两三四五六七八九十百千]+)[条章节款项]?$")
DOTTED = re.compile(r"^\d+(?:\.\d+)*$")
WIDTH = 6


def chinese_number(text: str) -> int | None:
    """The value of a Chinese numeral up to the thousands ("二十八" is 28, "十六" is 16)."""
    total, digit = 0, None
    for character in text:
        if character in DIGITS:
            digit = DIGITS[character]
        elif character in UNITS:
            total += (1 if digit is None else digit) * UNITS[character]
            digit = None
        else:
            return None
    return total + (digit or 0)


def clause_sort_key(number: str) -> str:
    """A string that sorts clause numbers in reading order.

    Dotted numbers compare part by part, Chinese article numbers by their value; anything
    else sorts after them, by its text.
    """
    number = number.strip()
    if DOTTED.match(number):
        return ".".join(part.zfill(WIDTH) for part in number.split("."))
    match = ARTICLE.match(number)
    if match:
        value = chinese_number(match.group(1))
        if value is not None:
            return str(value).zfill(WIDTH)
    return "~" + number
