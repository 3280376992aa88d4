"""The one phone parser, on phones as units type them: expected forms and validity written by hand."""

from __future__ import annotations

import pytest

from netmedia.transform import phones

# typed -> (canonical form, valid); None: not a phone at all.
TYPED = [
    # mobiles, however written
    ("13800000360", ("13800000360", True)),
    ("138 0000 0360", ("13800000360", True)),
    ("138-0000-0360", ("13800000360", True)),
    ("138.0000.0360", ("13800000360", True)),
    ("+86 138-0000-0360", ("13800000360", True)),
    ("+8613800000360", ("13800000360", True)),
    ("(+86)13800000360", ("13800000360", True)),
    ("0086 138 0000 0360", ("13800000360", True)),
    ("8613800000360", ("13800000360", True)),
    ("86-13800000360", ("13800000360", True)),
    ("（138）00000360", ("13800000360", True)),
    ("１３８０００００３６０", ("13800000360", True)),  # full-width digits
    ("013800000360", ("13800000360", True)),  # the trunk 0 in front of a mobile
    ("19912345678", ("19912345678", True)),
    ("15400000360", ("15400000360", True)),  # a block not (yet) allocated: still a mobile's shape
    ("179-4200-9332", ("17942009332", True)),  # and grouped (phonenumbers 9.0 does not read this block)
    ("+86 179 4200 9332", ("17942009332", True)),
    ("(86)13800000360", ("13800000360", True)),
    ("+(86) 138-0000-0360", ("13800000360", True)),
    # landlines with area code
    ("0371-69127000", ("0371-69127000", True)),
    ("037169127000", ("0371-69127000", True)),
    ("0371 6912 7000", ("0371-69127000", True)),
    ("(0371)69127000", ("0371-69127000", True)),
    ("（0371）6912-7000", ("0371-69127000", True)),
    ("0371－69127000", ("0371-69127000", True)),  # full-width dash
    ("+86 371 6912 7000", ("0371-69127000", True)),
    ("0086-371-69127000", ("0371-69127000", True)),
    ("+86 (0)371 69127000", ("0371-69127000", True)),
    ("010-62751234", ("010-62751234", True)),
    ("01062751234", ("010-62751234", True)),
    ("021-54321234", ("021-54321234", True)),
    ("0755-86001234", ("0755-86001234", True)),
    # landline-shaped, but no such number: the local part is a digit short for its area
    ("0371-6912700", ("0371-6912700", False)),
    ("010-1234567", ("010-1234567", False)),
    # not a phone
    ("69127000", None),  # no area code
    ("371-69127000", None),  # no trunk 0 and no country code
    ("1380000", None),
    ("1380000036", None),  # a mobile a digit short
    ("138000003601", None),  # a digit long
    ("12800000360", None),  # no mobile starts 12
    ("138000O0360", None),  # letter O for zero
    ("138abcd0360", None),  # letters are no keypad digits here
    ("13800000360/13900000000", None),  # two numbers
    ("0371-69127000转8001", None),
    ("4008108888", None),  # a service number
    ("95588", None),
    ("+1 650 253 0000", None),  # not mainland
    ("2023-01-05", None),
    ("无", None),
    ("", None),
]


@pytest.mark.parametrize(("typed", "expected"), TYPED)
def test_parse(typed, expected):
    p = phones.parse(typed)
    got = None if p is None else (p.canonical, p.valid)
    assert got == expected
    assert phones.is_valid(typed) is (expected is not None and expected[1])


@pytest.mark.parametrize(
    ("typed", "masked"),
    [("+86 138 0000 0360", "138****0360"), ("0371 6912 7000", "0371-****7000"), ("01062751234", "010-****1234"),
     ("0371-6912700", "0371-****2700")],
)
def test_masked(typed, masked):
    assert phones.parse(typed).masked == masked


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("联系电话13800000360，座机0371-69127000。", [("13800000360", "13800000360"), ("0371-69127000", "0371-69127000")]),
        ("手机：+86 138 0000 0360", [("+86 138 0000 0360", "13800000360")]),
        ("（0371）69127000 或 010 6275 1234", [("（0371）69127000", "0371-69127000"), ("010 6275 1234", "010-62751234")]),
        ("13800000360 0371-69127000", [("13800000360", "13800000360"), ("0371-69127000", "0371-69127000")]),
        ("138000003601", []),  # inside a longer number
        ("0.13800000360", []),  # a decimal
        ("13800000360.5", []),
        ("2023-01-05 20230105 2023.01.05", []),  # dates
        ("ID 1234567890 QQ 4165014941", []),  # ids
        ("电话 6912 7000", []),  # no area code
        ("c-83 0-150-67-150-150", []),  # SVG path data
        ("0371-6912700", []),  # no such number
    ],
)
def test_find(text, found):
    hits = phones.find(text)
    assert [(f.raw, f.phone.canonical) for f in hits] == found
    assert all(text[f.start : f.end] == f.raw for f in hits)

