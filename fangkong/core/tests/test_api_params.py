import pytest

from fangkong.core.api.params import int_param


@pytest.mark.parametrize(
    ("raw", "signed", "expected"),
    [
        ("42", False, 42),
        ("0", False, 0),
        ("-3", True, -3),
        ("-3", False, None),
        ("", False, None),
        (None, False, None),
        ("²", False, None),  # isdigit() is true of it, int() refuses it
        ("١٢", False, None),  # Arabic-Indic digits: int() would read them as 12
        ("-²", True, None),
        ("1.5", False, None),
        (" 7", False, None),
    ],
)
def test_only_ascii_digits_make_a_number(raw, signed, expected):
    assert int_param(raw, signed=signed) == expected
