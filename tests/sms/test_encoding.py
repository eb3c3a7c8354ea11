"""GSM-7 or UCS-2, and segments, as a phone counts them."""
from fair.sms.encoding import GSM7, UCS2, encoded_parts, fit


def test_gsm7_counts_extension_characters_twice_and_transliterates_typography():
    assert (fit("a" * 160).segments, fit("a" * 161).segments) == (1, 2)
    priced = fit("Prix : 5 € [salle B]")
    assert (priced.encoding, priced.units, priced.segments) == (GSM7, 23, 1)  # € [ ] take two septets each
    assert fit("€" * 80).segments == 1 and fit("€" * 81).segments == 2
    typographic = fit("Rendez-vous l’après-midi – salle 2…")
    assert typographic.encoding == GSM7 and typographic.text == "Rendez-vous l'après-midi - salle 2..."


def test_ucs2_counts_utf16_units_and_never_cuts_a_character():
    assert fit("ç").encoding == UCS2  # not in the alphabet, and not changed into Ç
    assert (fit("À" * 70).segments, fit("À" * 71).segments) == (1, 2)
    emoji = fit("😀" * 36)
    assert (emoji.encoding, emoji.units, emoji.segments) == (UCS2, 72, 2)
    assert all(len(part) % 4 == 0 for part in encoded_parts(emoji))  # surrogate pairs kept whole
    escaped = fit("a" * 152 + "€" + "a" * 10)  # the escape pair would straddle the first segment's end
    assert [len(part) for part in encoded_parts(escaped)] == [152, 12]
