"""Numbers in Indonesian words ("terbilang"), as certificates print JP: "4 (empat) jam pelajaran"."""

from __future__ import annotations

_UNITS = (
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
)
# Each scale word with its value, largest first; 1,000 is "seribu" but 1,000,000 is "satu juta".
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (1000, "ribu"))
LIMIT = 10**15


def _below_thousand(n: int) -> list[str]:
    words: list[str] = []
    hundreds, rest = divmod(n, 100)
    if hundreds == 1:
        words.append("seratus")
    elif hundreds:
        words += [_UNITS[hundreds], "ratus"]
    if rest < 12:
        if rest:
            words.append(_UNITS[rest])
    elif rest < 20:
        words += [_UNITS[rest - 10], "belas"]
    else:
        tens, ones = divmod(rest, 10)
        words += [_UNITS[tens], "puluh"]
        if ones:
            words.append(_UNITS[ones])
    return words


def terbilang(n: int) -> str:
    """The number in Indonesian words: 12 → "dua belas", 100 → "seratus", 1000 → "seribu".

    Handles 0 and negative numbers (below one quadrillion in size); raises ValueError beyond that
    and TypeError for anything but an int.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError("terbilang() takes an int")
    if n == 0:
        return "nol"
    if n < 0:
        return "minus " + terbilang(-n)
    if n >= LIMIT:
        raise ValueError("terbilang() handles numbers below 10^15")
    words: list[str] = []
    rest = n
    for value, name in _SCALES:
        count, rest = divmod(rest, value)
        if not count:
            continue
        if count == 1 and value == 1000:
            words.append("seribu")
        else:
            words += _below_thousand(count) + [name]
    words += _below_thousand(rest)
    return " ".join(words)


def jp_phrase(jp: int) -> str:
    """'4 (empat) jam pelajaran': the JP in digits and in words, as training certificates print it."""
    return f"{jp} ({terbilang(jp)}) jam pelajaran"
