"""Indonesian number words, as certificates print JP: "4 (empat) jam pelajaran"."""

from __future__ import annotations

import pytest

from lms.certificates.terbilang import jp_phrase, terbilang


@pytest.mark.parametrize(
    ("number", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (4, "empat"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (45, "empat puluh lima"),
        (99, "sembilan puluh sembilan"),
        (100, "seratus"),
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (111, "seratus sebelas"),
        (115, "seratus lima belas"),
        (200, "dua ratus"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (1100, "seribu seratus"),
        (1234, "seribu dua ratus tiga puluh empat"),
        (2000, "dua ribu"),
        (10_000, "sepuluh ribu"),
        (11_000, "sebelas ribu"),
        (100_000, "seratus ribu"),
        (101_000, "seratus satu ribu"),
        (111_111, "seratus sebelas ribu seratus sebelas"),
        (999_999, "sembilan ratus sembilan puluh sembilan ribu sembilan ratus sembilan puluh sembilan"),
        (1_000_000, "satu juta"),
        (2_500_000, "dua juta lima ratus ribu"),
        (1_000_000_000, "satu miliar"),
        (3_000_000_000_000, "tiga triliun"),
        (-7, "minus tujuh"),
    ],
)
def test_terbilang(number: int, words: str) -> None:
    assert terbilang(number) == words


def test_jp_phrase_has_digits_and_words() -> None:
    assert jp_phrase(4) == "4 (empat) jam pelajaran"
    assert jp_phrase(12) == "12 (dua belas) jam pelajaran"


@pytest.mark.parametrize("bad", [1.5, "4", None, True])
def test_only_ints_are_spelled(bad) -> None:
    with pytest.raises(TypeError):
        terbilang(bad)


def test_too_large_is_refused() -> None:
    with pytest.raises(ValueError):
        terbilang(10**15)
