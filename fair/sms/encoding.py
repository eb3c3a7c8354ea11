"""How a text travels in SMS: GSM-7 when it can, UCS-2 otherwise, and how many segments it takes.

- GSM-7 (data_coding 0): every character in the GSM 03.38 default alphabet, or in its extension
  table (reached through an escape: `€ [ ] { } \\ ^ ~ |` and form feed count two septets). One
  message holds 160 septets; a longer one is cut in segments of 153 (7 septets go to the
  concatenation header).
- UCS-2 (data_coding 8): anything else. Counted in UTF-16 code units (an emoji outside the basic
  plane is two): 70 in one message, 67 per segment.

Before deciding, `fit` swaps the typographic characters word processors and phones put in texts
for their plain equivalents (’ → ', “ ” → ", – — → -, … → ..., non-breaking spaces → space), so a
French text with a curly apostrophe still goes as GSM-7 (one segment of 160 rather than 70).
Accented capitals other than É (À, Ê…) are not in the alphabet and keep the text in UCS-2: they
are not transliterated, nor is ç (GSM-7 only has Ç): nobody's name or word is changed.

Kernel-like: imports nothing of `fair`.
"""
from __future__ import annotations

from dataclasses import dataclass

GSM7 = "gsm7"
UCS2 = "ucs2"

DATA_CODING = {GSM7: 0, UCS2: 8}

# GSM 03.38 default alphabet, in code order (0x1B, the escape, is left out: it is not a character).
GSM_BASIC = ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ" "ÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
             "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
# The extension table: each costs an escape septet plus its own.
GSM_EXTENSION = "\f^{}\\[~]|€"

_BASIC = frozenset(GSM_BASIC)
_EXTENSION = frozenset(GSM_EXTENSION)

SINGLE = {GSM7: 160, UCS2: 70}
PER_SEGMENT = {GSM7: 153, UCS2: 67}

TRANSLITERATE = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
    "\u2013": "-", "\u2014": "-", "\u2010": "-", "\u2011": "-", "\u2212": "-",
    "\u2026": "...",
    "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
})


@dataclass(frozen=True)
class Fit:
    text: str          # the text as it will be sent (after transliteration)
    encoding: str      # GSM7 or UCS2
    units: int         # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int

    @property
    def data_coding(self) -> int:
        return DATA_CODING[self.encoding]


def is_gsm7(text: str) -> bool:
    return all(char in _BASIC or char in _EXTENSION for char in text)


def _unit_sizes(text: str, encoding: str) -> list[int]:
    if encoding == GSM7:
        return [2 if char in _EXTENSION else 1 for char in text]
    return [2 if char > "\uffff" else 1 for char in text]  # outside the basic plane: a surrogate pair


def _cut(sizes: list[int], encoding: str) -> list[tuple[int, int]]:
    """(start, end) character ranges of each segment: whole characters only (an escape pair or a
    UTF-16 surrogate pair is never cut in two)."""
    if sum(sizes) <= SINGLE[encoding]:
        return [(0, len(sizes))]
    limit, ranges, start, used = PER_SEGMENT[encoding], [], 0, 0
    for index, size in enumerate(sizes):
        if used + size > limit:
            ranges.append((start, index))
            start, used = index, 0
        used += size
    ranges.append((start, len(sizes)))
    return ranges


def fit(text: str) -> Fit:
    """The encoding and segment count of `text`, after the typographic characters are made plain.

    ç is kept as is when the rest of the text needs UCS-2 anyway."""
    plain = text.translate(TRANSLITERATE)
    chosen, encoding = (plain, GSM7) if is_gsm7(plain) else (text, UCS2)
    sizes = _unit_sizes(chosen, encoding)
    return Fit(chosen, encoding, sum(sizes), len(_cut(sizes, encoding)))


def gsm7_bytes(text: str) -> bytes:
    """The text as unpacked GSM-7 septets, one per octet (SMPP data_coding 0 sends them so)."""
    out = bytearray()
    for char in text:
        if char in _EXTENSION:
            out += bytes((0x1B, _EXTENSION_CODES[char]))
        else:
            out.append(_BASIC_CODES[char])
    return bytes(out)


_BASIC_CODES = {char: (code if code < 0x1B else code + 1) for code, char in enumerate(GSM_BASIC)}
_EXTENSION_CODES = {"\f": 0x0A, "^": 0x14, "{": 0x28, "}": 0x29, "\\": 0x2F, "[": 0x3C, "~": 0x3D, "]": 0x3E,
                    "|": 0x40, "€": 0x65}


def encoded_parts(fitted: Fit) -> list[bytes]:
    """The payload of each segment, without its concatenation header."""
    encode = gsm7_bytes if fitted.encoding == GSM7 else (lambda part: part.encode("utf-16-be"))
    return [encode(fitted.text[start:end])
            for start, end in _cut(_unit_sizes(fitted.text, fitted.encoding), fitted.encoding)]
