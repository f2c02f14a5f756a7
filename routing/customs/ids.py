"""Check digits of the buyer ids customs asks for: Brazil's CPF, Russia's INN and the
18-digit resident id of the People's Republic of China.

Each checker returns None for a valid id, or a message saying what is wrong.
"""

from __future__ import annotations

from datetime import date


def _digits(text: str, allowed: str = ".-/ ") -> str | None:
    stripped = "".join(ch for ch in text if ch not in allowed)
    return stripped if stripped.isdigit() else None


def _cpf_digit(digits: str) -> int:
    weight = len(digits) + 1
    total = sum(int(d) * (weight - i) for i, d in enumerate(digits))
    rest = total % 11
    return 0 if rest < 2 else 11 - rest


def cpf_problem(text: str) -> str | None:
    """A CPF is 11 digits (punctuation 000.000.000-00 allowed) whose last two are mod-11
    check digits over the first nine and ten; all-equal digits are never issued."""
    digits = _digits(text)
    if digits is None or len(digits) != 11:
        return f"a CPF has 11 digits, got {text!r}"
    if len(set(digits)) == 1:
        return f"{text!r} is not an issued CPF (all digits equal)"
    first = _cpf_digit(digits[:9])
    second = _cpf_digit(digits[:9] + str(first))
    if digits[9:] != f"{first}{second}":
        return f"CPF {text!r} has wrong check digits (expected {first}{second})"
    return None


_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CN_CHECK = "10X98765432"  # by the weighted sum mod 11 (GB 11643-1999, ISO 7064 MOD 11-2)


def cn_resident_id_problem(text: str) -> str | None:
    """A second-generation resident id: 17 digits (region, birth date YYYYMMDD, sequence)
    and a check character, 0-9 or X."""
    code = text.strip().upper()
    if len(code) != 18 or not code[:17].isdigit() or not (code[17].isdigit() or code[17] == "X"):
        return f"a Chinese resident id has 17 digits and a check digit or X, got {text!r}"
    try:
        date(int(code[6:10]), int(code[10:12]), int(code[12:14]))
    except ValueError:
        return f"resident id {text!r} holds no valid birth date"
    expected = _CN_CHECK[sum(int(d) * w for d, w in zip(code[:17], _CN_WEIGHTS, strict=True)) % 11]
    if code[17] != expected:
        return f"resident id {text!r} has a wrong check digit (expected {expected})"
    return None


_INN_10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_11 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN_12 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _inn_digit(digits: str, weights: tuple[int, ...]) -> str:
    return str(sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10)


def inn_problem(text: str) -> str | None:
    """A Russian INN: 12 digits for a person (two check digits), 10 for a company (one)."""
    digits = _digits(text, " ")
    if digits is None or len(digits) not in (10, 12):
        return f"an INN has 12 digits (10 for a company), got {text!r}"
    if len(digits) == 10:
        ok = digits[9] == _inn_digit(digits[:9], _INN_10)
    else:
        ok = digits[10] == _inn_digit(digits[:10], _INN_11) and digits[11] == _inn_digit(
            digits[:11], _INN_12
        )
    return None if ok else f"INN {text!r} has wrong check digits"


def passport_problem(text: str) -> str | None:
    """Passport details are free-form across countries; only their presence is checked."""
    return None if len(text.strip()) >= 5 else f"passport details look incomplete: {text!r}"
