"""Buyer ids: the check digits of Brazil's CPF, Russia's INN and China's resident id, and
the presence of passport details."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from routing.customs.ids import (
    cn_resident_id_problem,
    cpf_problem,
    inn_problem,
    passport_problem,
)


def test_a_valid_cpf_passes_with_or_without_punctuation() -> None:
    """123.456.789-09 is a valid CPF, written either way."""
    assert cpf_problem("123.456.789-09") is None
    assert cpf_problem("12345678909") is None


def test_a_cpf_with_a_wrong_check_digit_is_named() -> None:
    """One wrong check digit, all-equal digits and a short number are all refused."""
    assert "expected 09" in (cpf_problem("123.456.789-00") or "")
    assert cpf_problem("111.111.111-11") is not None
    assert cpf_problem("1234567890") is not None


@given(st.lists(st.integers(0, 9), min_size=9, max_size=9), st.integers(1, 9))
def test_any_cpf_with_its_computed_digits_passes_and_a_changed_digit_fails(
    digits: list[int], shift: int
) -> None:
    """Computing the two mod-11 digits makes a CPF valid; changing the last one breaks it."""

    def digit(ds: list[int]) -> int:
        rest = sum(d * (len(ds) + 1 - i) for i, d in enumerate(ds)) % 11
        return 0 if rest < 2 else 11 - rest

    first = digit(digits)
    full = [*digits, first, digit([*digits, first])]
    text = "".join(map(str, full))
    if len(set(text)) == 1:
        return
    assert cpf_problem(text) is None
    changed = text[:10] + str((full[10] + shift) % 10)
    assert cpf_problem(changed) is not None


def test_cn_resident_id_check_character() -> None:
    """11010519491231002X is valid (check character X); a digit there instead is not."""
    assert cn_resident_id_problem("11010519491231002X") is None
    assert cn_resident_id_problem("11010519491231002x") is None
    assert "expected X" in (cn_resident_id_problem("110105194912310021") or "")
    assert "birth date" in (cn_resident_id_problem("11010519491331002X") or "")
    assert cn_resident_id_problem("1101051949123100") is not None


def test_inn_check_digits_for_people_and_companies() -> None:
    """A 12-digit personal INN has two check digits, a 10-digit company INN one."""
    assert inn_problem("500100732259") is None
    assert inn_problem("7707083893") is None
    assert inn_problem("500100732258") is not None
    assert inn_problem("7707083894") is not None
    assert inn_problem("12345") is not None


def test_passport_details_need_only_be_there() -> None:
    """Passport numbers differ by country: five characters or more pass, fewer do not."""
    assert passport_problem("4509 235857") is None
    assert passport_problem("AB123") is None
    assert "incomplete" in (passport_problem("  12 ") or "")
