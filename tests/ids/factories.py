"""Deterministic corpora of identifier values for the reference comparisons.

Every corpus mixes valid values with each kind of defect the checks must catch, so
that the Python, SQL and numpy forms and python-stdnum can be compared on them.
"""

from __future__ import annotations

import calendar
import datetime
import random

from frontline.ids.arrays import CREDIT_CODE_ALPHABET
from frontline.ids.credit_code import check_char, organization_check_char
from frontline.ids.divisions import load_divisions
from frontline.ids.resident import check_digit

FULLWIDTH = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


def valid_resident_id(rng: random.Random, retired: bool = False) -> str:
    """A valid 18-digit number; with `retired`, its area code has since been retired."""
    versions = [
        d
        for d in load_divisions().divisions
        if (d.valid_to is not None) == retired and d.valid_in(d.valid_from or 1930)
    ]
    division = rng.choice(versions)
    first = max(division.valid_from or 1900, 1900)
    last = min(division.valid_to or 2024, 2024)
    year = rng.randint(first, max(first, last))
    month = rng.randint(1, 12)
    day = rng.randint(1, calendar.monthrange(year, month)[1])
    body = f"{division.code}{year:04d}{month:02d}{day:02d}{rng.randint(0, 999):03d}"
    return body + check_digit(body)


def with_check(body: str) -> str:
    """A body of 17 digits completed with its check character."""
    return body + check_digit(body)


def single_substitutions(number: str) -> list[str]:
    """Every value differing from `number` in exactly one digit of its body or its check."""
    variants = []
    for i, old in enumerate(number):
        choices = "0123456789X" if i == 17 else "0123456789"
        variants += [number[:i] + c + number[i + 1 :] for c in choices if c != old]
    return variants


def adjacent_transpositions(number: str) -> list[str]:
    """Every value with two unequal neighbouring characters swapped."""
    return [
        number[:i] + number[i + 1] + number[i] + number[i + 2 :]
        for i in range(len(number) - 1)
        if number[i] != number[i + 1]
    ]


def resident_corpus(seed: int = 7) -> list[str | None]:
    """Valid, mutated, mis-dated, retired-area, 15-digit, repaired, empty and garbage values."""
    rng = random.Random(seed)
    valid = [valid_resident_id(rng) for _ in range(300)]
    retired = [valid_resident_id(rng, retired=True) for _ in range(150)]
    corpus: list[str | None] = [*valid, *retired]
    for number in valid[:12] + retired[:4]:
        corpus += single_substitutions(number) + adjacent_transpositions(number)
    # A retired code used after its retirement, and a code used before it existed.
    corpus += [with_check("11010320150101123"), with_check("33010619500101001")]
    corpus += [with_check("33010619900101001"), with_check("11010319800101123")]
    # Unknown areas: unknown county in a known province, unknown province.
    corpus += [with_check("33999919900101001"), with_check("99000019900101001")]
    # Impossible dates, leap years included.
    for date in ("19001301", "19900100", "19900230", "19000229", "20010229", "00000101"):
        corpus.append(with_check("110105" + date + "123"))
    corpus += [with_check("110105" + d + "123") for d in ("20000229", "19960229", "00010101")]
    # 15-digit numbers: valid, impossible date, letters, and after repairs.
    for number in valid[:40]:
        old = number[:6] + number[8:17]
        corpus += [old, f" {old} ", old.translate(FULLWIDTH)]
    corpus += ["110105491313123", "11010549123112A", "33010650010100a"]
    # Repairable layout: full width, spaces, dashes, lowercase x.
    for number in valid[:60] + retired[:20]:
        lower = number.lower()
        corpus += [
            number.translate(FULLWIDTH),
            lower.translate(FULLWIDTH),
            f"  {number[:6]} {number[6:14]}\u3000{number[14:]}\n",
            f"{number[:6]}-{number[6:14]}\u2014{number[14:]}",
            lower,
            "\ufeff" + number,
        ]
    corpus += [with_check(v[:17]) for v in valid[:5]]
    corpus += [
        "",
        None,
        "   ",
        "\u3000",
        "-",
        "abc",
        "1",
        "12345678901234567",
        "1234567890123456789",
    ]
    corpus += [
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",
        "11010519491231002A",
        "X1010519491231002X",
        "11010519491231002Ⅹ",
    ]
    corpus += [
        "110105 19491231 002 X",
        "１１０１０５１９４９１２３１００２",
        "1101051949123100２X\x00",
    ]
    corpus += ["11010519491231002x", "11010519491231002X", "11010519491231002Ｘ", "😀" * 18]
    return corpus


def valid_credit_code(rng: random.Random, organization_ok: bool = True) -> str:
    """A valid credit code (or one whose embedded organisation check character is wrong)."""
    authority = rng.choice(["1", "5", "9", "9", "9"])
    kind = rng.choice(["1", "2", "3"])
    area = rng.choice([d.code for d in load_divisions().counties_valid_in(2020)])
    organization = "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(8))
    check = organization_check_char(organization)
    if not organization_ok:
        check = rng.choice([c for c in "0123456789X" if c != check])
    body = authority + kind + area + organization + check
    return body + check_char(body)


def credit_code_corpus(seed: int = 11) -> list[str | None]:
    """Valid, mutated, bad organisation code, repaired, empty and garbage credit codes."""
    rng = random.Random(seed)
    valid = [valid_credit_code(rng) for _ in range(300)]
    corpus: list[str | None] = [*valid, "91110000600037341L", "91350100M000100Y43"]
    corpus += [valid_credit_code(rng, organization_ok=False) for _ in range(100)]
    for code in valid[:10]:
        for i in range(18):
            allowed = "0123456789" if i < 8 else CREDIT_CODE_ALPHABET
            corpus += [code[:i] + c + code[i + 1 :] for c in allowed if c != code[i]][:6]
        corpus += adjacent_transpositions(code)
    fullwidth = str.maketrans(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "".join(chr(0xFF10 + i) for i in range(10)) + "".join(chr(0xFF21 + i) for i in range(26)),
    )
    for code in valid[:50]:
        corpus += [
            code.lower(),
            code.translate(fullwidth),
            code.lower().translate(str.maketrans("abcdefghy", "ａｂｃｄｅｆｇｈｙ")),
            f" {code[:2]} {code[2:8]} {code[8:17]}-{code[17]}\t",
        ]
    corpus += [
        "",
        None,
        " ",
        "abc",
        "N2330106MA2CXXXX0X",
        "A1110000600037341L",
        "9111000060003734IL",
    ]
    corpus += [
        "91110000600037341",
        "91110000600037341LL",
        "9111000O600037341L",
        "91110000600037341Z",
    ]
    return corpus


def birth(number: str) -> datetime.date:
    """The birth date of a valid 18-digit number (helper for expectations)."""
    return datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
