import re

import pytest

from services.membership.references import ALPHABET, new_reference, normalize_reference


def test_new_references_are_short_and_unambiguous():
    for _ in range(200):
        reference = new_reference()
        assert re.fullmatch(r"LB-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{6}", reference)
    assert not set("01ILOU") & set(ALPHABET)


@pytest.mark.parametrize(
    "typed", ["LB-7KQ2M9", "lb-7kq2m9", " LB 7KQ 2M9 ", "7kq2m9", "LB7KQ2M9", "lb–7kq2m9"]
)
def test_normalize_reference_accepts_what_people_type(typed):
    assert normalize_reference(typed) == "LB-7KQ2M9"
