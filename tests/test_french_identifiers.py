"""French identifiers as real files write them: phones as phonenumbers reads them, NIRs as
python-stdnum reads them, e-mails as a reader sees them (issue 11).

Every value here is generated: random national numbers (no person behind them), NIRs with
random bodies, addresses under reserved domains (``.example``, ``.test``).
"""

from __future__ import annotations

import random
import sys
import unicodedata

import phonenumbers as pn
import polars as pl
import pytest
from _french_fixtures import tiny_gazetteer, with_key  # noqa: F401 - autouse fixture
from phonenumbers import NumberParseException, PhoneNumberType
from stdnum.fr import nir as stdnum_nir
from stdnum.util import _char_map as stdnum_char_map

from toolkit.raw import french, phone_plan, schema, verify

# ------------------------------------------------------------------------------ phones

#: phonenumbers' types, as the toolkit counts them (written out here, independently).
TYPE_CLASS = {
    PhoneNumberType.FIXED_LINE: "landline",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.TOLL_FREE: "special",
    PhoneNumberType.PREMIUM_RATE: "special",
    PhoneNumberType.SHARED_COST: "special",
    PhoneNumberType.VOIP: "special",
    PhoneNumberType.PERSONAL_NUMBER: "special",
    PhoneNumberType.PAGER: "special",
    PhoneNumberType.UAN: "special",
    PhoneNumberType.VOICEMAIL: "special",
}
#: Country code -> its regions, for France and the overseas codes the toolkit reads.
REGIONS = {"33": ("FR",), "590": ("GP", "BL", "MF"), "594": ("GF",), "596": ("MQ",),
           "262": ("RE", "YT"), "508": ("PM",), "681": ("WF",), "689": ("PF",),
           "687": ("NC",), "269": ("KM",)}  # fmt: skip
#: The overseas départements sharing the national plan, tried in this order for a number
#: written in national form that phonenumbers calls invalid for France.
NATIONAL_OVERSEAS = ("GP", "GF", "MQ", "RE")
FICTION = ("19900", "26191", "35301", "46571", "53649", "63998")
FULL_WIDTH = str.maketrans("0123456789+", "０１２３４５６７８９＋")


def reference(text: str, region: str = "FR") -> str:
    """The class phonenumbers gives ``text`` parsed with ``region`` as default region."""
    try:
        number = pn.parse(text, region)
    except NumberParseException:
        return "invalid"
    if not pn.is_valid_number(number):
        return "invalid"
    return TYPE_CLASS[pn.number_type(number)]


def classify_phones(texts: list[str | None]) -> list[tuple[str | None, bool | None]]:
    frame = pl.LazyFrame({"p": texts}, schema={"p": pl.String})
    out = french.with_phone_class(frame, "p", klass="class", fiction="fiction").collect()
    assert out.columns == ["p", "class", "fiction"]
    return list(zip(out["class"].to_list(), out["fiction"].to_list(), strict=True))


def pairs(digits: str, sep: str) -> str:
    """``0612345678`` -> ``06 12 34 56 78`` (an odd length keeps its first digit alone)."""
    head = len(digits) % 2
    groups = ([digits[:head]] if head else []) + [digits[i:i + 2]
                                                  for i in range(head, len(digits), 2)]
    return sep.join(groups)


def national_numbers(rng: random.Random) -> list[tuple[str, str]]:
    """``(country code, national significant number)`` pairs: every 3-digit block of the French
    plan and of the overseas départements, examples of every type of every region with their
    last digits redrawn, and wrong lengths."""
    numbers: list[tuple[str, str]] = []
    for block in range(100, 1000):  # 070-072, 040, 084, 087... and every assigned block
        numbers.append(("33", f"{block}{rng.randrange(10**6):06d}"))
    for code in ("590", "594", "596", "262"):
        for block in ("590", "594", "596", "262", "263", "269", "639", "690", "691", "692",
                      "693", "694", "696", "697", "709", "800", "806", "809", "891", "939",
                      "976"):  # fmt: skip
            for _ in range(6):
                numbers.append((code, f"{block}{rng.randrange(10**6):06d}"))
    for code, regions in REGIONS.items():
        for region in regions:
            for kind in TYPE_CLASS:
                example = pn.example_number_for_type(region, kind)
                if example is None:
                    continue
                nsn = str(example.national_number)
                for _ in range(12):
                    keep = rng.randrange(1, len(nsn) + 1)
                    tail = "".join(rng.choice("0123456789") for _ in range(len(nsn) - keep))
                    numbers.append((code, nsn[:keep] + tail))
        for length in range(5, 11):
            for _ in range(15):
                numbers.append((code, str(rng.randrange(10 ** (length - 1), 10**length))))
    for block in FICTION:
        numbers.append(("33", f"{block}{rng.randrange(10**4):04d}"))
    return numbers


def written_forms(code: str, nsn: str) -> list[tuple[str, str]]:
    """Every way the test writes a number, with the context it is written in: ``"0"`` for the
    national form (no +, 00 or 33 in front), else the country code written."""
    forms: list[tuple[str, str]] = [
        (f"+{code} {pairs(nsn, ' ')}", code),
        (f"+{code}{nsn}", code),
        (f"00{code} {nsn}", code),
        (f"00 {code} {pairs(nsn, '.')}", code),
        (f"+{code} (0){pairs(nsn, ' ')}", code),
        (f"+{code}\u00a0{pairs(nsn, chr(0xa0))}", code),
    ]
    if code == "33":
        forms.append((f"33{nsn}", code))
    if code in ("33", "590", "594", "596", "262"):
        national = "0" + nsn
        forms += [(national, "0"), (pairs(national, " "), "0"), (pairs(national, "."), "0"),
                  (pairs(national, "-"), "0"), (national.translate(FULL_WIDTH), "0")]
        if len(nsn) == 9 and not nsn.startswith("0"):
            forms.append((nsn, "0"))  # the leading zero a spreadsheet dropped
        if code != "33":
            forms.append((f"+33 {pairs(nsn, ' ')}", "33"))  # an overseas number under +33
    return forms


def is_fiction(context: str, nsn: str) -> bool:
    return context in ("0", "33") and len(nsn) == 9 and nsn[:5] in FICTION


def expected(text: str, context: str, nsn: str) -> tuple[str, bool]:
    """The toolkit's rule: phonenumbers with France as default region, except the two
    deliberate differences (fiction blocks; overseas numbers written in national form)."""
    if is_fiction(context, nsn):
        return ("mobile" if nsn.startswith("6") else "landline"), True
    klass = reference(text)
    if klass == "invalid" and context == "0":
        for region in NATIONAL_OVERSEAS:
            klass = reference(text, region)
            if klass != "invalid":
                break
    return klass, False


@pytest.fixture(scope="module")
def phone_agreement() -> dict[str, list]:
    rng = random.Random(11)
    cases = [
        (text, context, nsn)
        for code, nsn in national_numbers(rng)
        for text, context in written_forms(code, nsn)
    ]
    got = classify_phones([text for text, *_ in cases])
    return {"cases": cases, "got": got}


def test_phone_classes_agree_with_phonenumbers_on_every_generated_written_form(phone_agreement):
    cases, got = phone_agreement["cases"], phone_agreement["got"]
    wrong = [
        (text, klass, expected(text, context, nsn))
        for (text, context, nsn), klass in zip(cases, got, strict=True)
        if klass != expected(text, context, nsn)
    ]
    assert len(cases) > 20_000
    assert wrong[:10] == []  # 100 % under the toolkit's rule


def test_phone_agreement_with_plain_phonenumbers_is_reported_and_explained(phone_agreement):
    # Against phonenumbers.parse(x, "FR") alone, the only disagreements are the deliberate
    # ones: fiction blocks (06 39 98 is "not even possible" for phonenumbers) and overseas
    # numbers written in national form (0590..., 0690..., 0262..., which phonenumbers reads
    # as invalid French numbers unless told the overseas region).
    cases, got = phone_agreement["cases"], phone_agreement["got"]
    agree, fiction, overseas = 0, 0, 0
    for (text, context, nsn), (klass, _) in zip(cases, got, strict=True):
        if klass == reference(text):
            agree += 1
        elif is_fiction(context, nsn):
            fiction += 1
        else:
            assert context == "0" and reference(text) == "invalid", text
            overseas += 1
    rate = agree / len(cases)
    print(f"\nphones: {len(cases)} written forms, agreement with phonenumbers.parse(x, 'FR') "
          f"{rate:.2%}; deliberate differences: {fiction} fiction, {overseas} overseas "
          "national forms")
    assert agree + fiction + overseas == len(cases)
    assert rate > 0.9


@pytest.mark.parametrize(
    "number,klass,fiction",
    [
        ("+590 590 27 12 34", "landline", False),  # Saint-Barthélemy
        ("00596 696 12 34 56", "mobile", False),  # Martinique
        ("+262 262 12 34 56", "landline", False),  # La Réunion
        ("+262 269 61 12 34", "landline", False),  # Mayotte
        ("02 62 12 34 56", "landline", False),  # La Réunion, national form
        ("06 90 12 34 56", "mobile", False),  # Guadeloupe, national form
        ("690123456", "mobile", False),  # the same, leading zero dropped
        ("+33 5 90 12 34 56", "invalid", False),  # +33 is not Guadeloupe's code
        ("07 00 00 00 00", "invalid", False),  # 070-072: unassigned
        ("07 12 34 56 78", "invalid", False),
        ("07 81 23 45 67", "mobile", False),
        ("04 01 23 45 67", "invalid", False),  # 040: unassigned
        ("08 41 23 45 67", "invalid", False),
        ("08 70 12 34 56", "invalid", False),
        ("08 00 11 22 33", "special", False),  # toll-free
        ("09 12 34 56 78", "special", False),  # VoIP ("box" numbers)
        ("+33 (0)1 23 45 67 89", "landline", False),
        ("0033 6 12 34 56 78", "mobile", False),
        ("33612345678", "mobile", False),
        ("＋３３ ６ １２ ３４ ５６ ７８", "mobile", False),
        ("06 39 98 12 34", "mobile", True),  # fiction: phonenumbers says impossible
        ("+33 6 39 98 12 34", "mobile", True),
        ("02 61 91 12 34", "landline", True),
        ("+508 41 12 34", "landline", False),  # Saint-Pierre-et-Miquelon
        ("+687 26 12 34", "landline", False),  # Nouvelle-Calédonie
        ("+689 87 12 34 56", "mobile", False),  # Polynésie française
        ("+1 212 555 0100", "invalid", False),  # not a French plan
        ("12 34", "invalid", False),
        ("inconnu", "invalid", False),
        (None, None, None),
    ],
)
def test_written_numbers_are_classified_as_the_plan_says(number, klass, fiction):
    assert classify_phones([number]) == [(klass, fiction)]


def test_the_prefix_table_is_compact_and_its_prefixes_do_not_overlap():
    table = phone_plan.prefix_table()
    assert set(table["class"].unique()) == {"landline", "mobile", "special"}
    assert table.height < 2_000
    for (context, length), group in table.group_by("context", "length"):
        prefixes = sorted(group["prefix"].to_list())
        for shorter, longer in zip(prefixes, prefixes[1:], strict=False):
            assert not longer.startswith(shorter), (context, length, shorter, longer)


def test_the_plan_is_built_from_the_metadata_patterns():
    assert phone_plan.expand("80[0-5]\\d{6}") == {9: frozenset(f"80{d}" for d in "012345")}
    assert phone_plan.expand("4\\d{5}(?:\\d{2})?") == {6: frozenset({"4"}), 8: frozenset({"4"})}


def test_phones_are_normalised_to_national_or_international_form():
    texts = ["06 12 34 56 78", "+33 6 12 34 56 78", "0033 (0)6 12 34 56 78", "612345678",
             "+590 690 12 34 56", "00 262 262 12 34 56", "", "tél."]
    frame = pl.LazyFrame({"p": texts})
    got = french.with_phone_class(frame, "p", klass="c", normalised="n").collect()["n"].to_list()
    assert got == ["0612345678", "+33612345678", "+33612345678", "0612345678",
                   "+590690123456", "+262262123456", None, None]


# ------------------------------------------------------------------------------ NIR

#: Separators and look-alikes found (or feared) in exports, inside a NIR.
NIR_SEPARATORS = [" ", ".", "-", "\t", "\n", "\r\n", "\u00a0", "\u202f", "\u2009", "\u3000",
                  "\u00b7", "\u2022", "\uff0e", "\u2013", "\u2010", "/", "_", ",", "'", "\u200b",
                  "\u1680", "\x1c"]  # fmt: skip
#: Around a NIR: what ``str.strip`` removes, and what it does not.
NIR_AROUND = ["", " ", "\t", "\n", "\r\n", "\x1c", "\x85", "\u2028", "\u3000", "\u00a0",
              "\u1680", "\u200b", "-", "."]  # fmt: skip
DIGIT_STYLES = {
    "full-width": str.maketrans("0123456789", "０１２３４５６７８９"),
    "bold": str.maketrans("0123456789", "".join(chr(0x1D7CE + d) for d in range(10))),
    "arabic-indic": str.maketrans("0123456789", "".join(chr(0x660 + d) for d in range(10))),
    "devanagari": str.maketrans("0123456789", "".join(chr(0x966 + d) for d in range(10))),
}


def nir_texts() -> list[str]:
    rng = random.Random(2021)
    bodies = []
    for _ in range(120):
        sex = rng.choice("1234785")
        dept = rng.choice(["56", "75", "2A", "2B", "20", "97", "98", "99", "00"])
        body = f"{sex}{rng.randrange(100):02d}{rng.randrange(1, 13):02d}{dept}"
        bodies.append(body + f"{rng.randrange(10**6):06d}")
    valid = [with_key(b) for b in bodies]
    texts: list[str] = []
    for nir in valid:
        spaced = " ".join((nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]))
        bad_key = nir[:13] + f"{(int(nir[13:]) + 1) % 100:02d}"
        texts += [nir, spaced, bad_key, nir.lower(), nir[:14], nir + "0", nir[1:]]
        for sep in NIR_SEPARATORS:
            texts.append(spaced.replace(" ", sep))
            texts.append(nir[:7] + sep + nir[7:])
        for before in NIR_AROUND:
            for after in NIR_AROUND[:4]:
                texts.append(before + nir + after)
        for table in DIGIT_STYLES.values():
            texts.append(nir.translate(table))
            texts.append(nir[:5] + nir[5:].translate(table))
        texts += [nir.replace("0", "O"), nir.replace("1", "l"), nir[:5] + "2C" + nir[7:]]
    texts += ["", " ", "12345", "2A", "ß" * 15, "1840356260123" + "ﬀ"]
    return texts


def test_nir_validity_agrees_with_python_stdnum_on_every_generated_written_form():
    texts = nir_texts()
    compact = pl.select(french.nir_compact(pl.Series(texts))).to_series()
    valid = pl.select(french.nir_key_valid(compact)).to_series().to_list()
    expected = [stdnum_nir.is_valid(t) for t in texts]
    disagreements = [t for t, v, e in zip(texts, valid, expected, strict=True) if v != e]
    print(f"\nNIR: {len(texts)} written forms, {sum(expected)} valid for stdnum, "
          f"agreement {1 - len(disagreements) / len(texts):.2%}")
    assert len(texts) > 5_000
    assert disagreements == []
    same_compact = [stdnum_nir.compact(t) == c
                    for t, c, e in zip(texts, compact.to_list(), expected, strict=True) if e]
    assert all(same_compact)


def test_nir_with_dashes_tabs_or_newlines_inside_is_invalid_as_for_stdnum():
    nir = with_key("1840356260123")
    texts = [nir[:5] + "-" + nir[5:], nir[:5] + "\t" + nir[5:], nir[:5] + "\n" + nir[5:],
             "\t" + nir + "\n", "１８４０３５６２６０１２３" + nir[13:]]
    got = pl.select(french.nir_key_valid(french.nir_compact(pl.Series(texts)))).to_series()
    assert got.to_list() == [False, False, False, True, True]
    assert [stdnum_nir.is_valid(t) for t in texts] == got.to_list()


def test_the_characters_stdnum_cleans_are_the_toolkits():
    digits = {k: v for k, v in stdnum_char_map.items() if v.isdigit()}
    assert digits == french.STDNUM_DIGITS
    assert set(french.STDNUM_DELETED) == {k for k, v in stdnum_char_map.items() if v in " ."} | {
        " ", "."
    }
    # str.strip() after clean(): what isspace() says, less what clean() turned into a dash.
    stripped = {chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()}
    assert set(french.STDNUM_STRIPPED) == stripped - {"\u1680"}
    assert stdnum_char_map["\u1680"] == "-"


@pytest.mark.parametrize(
    "body,plausible",
    [
        ("1840356260123", True),
        ("1840397101123", True),  # Guadeloupe
        ("1840397501123", True),  # Saint-Pierre-et-Miquelon
        ("1840397601123", True),  # Mayotte
        ("1840397701123", True),  # Saint-Barthélemy
        ("1840397801123", True),  # Saint-Martin
        ("1840397901123", False),
        ("1840397001123", False),
        ("184032A001123", True),
        ("1840399135123", True),  # born abroad
        ("1840300012345", False),
    ],
)
def test_nir_birth_departement_follows_the_real_list_of_codes(body, plausible):
    nir = pl.Series([with_key(body)])
    got = pl.select(french.nir_departement_plausible(french.nir_compact(nir))).item()
    assert got is plausible


# ------------------------------------------------------------------------------ e-mail


EMAILS = {
    # text: (exposed to a reader, undeliverable syntax, reserved domain)
    "françoise.moreau37@mail.example": (True, False, True),
    "FRANÇOISE.MOREAU37@MAIL.EXAMPLE": (True, False, True),
    "zoé.le-guen@courriel.test": (True, False, True),
    "jean-loïc@société.example": (True, False, True),
    "a.martin@exemple.fr": (True, False, False),
    "anaïs.kervarec@exemple.fr": (True, False, False),
    "jean..dupont@exemple.fr": (True, True, False),
    ".jean@exemple.fr": (True, True, False),
    "jean.@exemple.fr": (True, True, False),
    ("x" * 65) + "@exemple.fr": (True, True, False),
    "jean@-exemple.fr": (True, True, False),
    "jean@exemple-.fr": (True, True, False),
    "jean@exemple.xn--p1ai": (True, False, False),
    "bad@": (False, False, False),
    "no-at.fr": (False, False, False),
    "a@b": (False, False, False),
    "a b@exemple.fr": (False, False, False),
    "a@@exemple.fr": (False, False, False),
    "@exemple.fr": (False, False, False),
    "a@exemple.f": (False, False, False),
    "jean@exemple..fr": (False, False, False),
}


def test_emails_as_a_reader_sees_them_and_as_a_mail_server_would_refuse_them():
    texts = list(EMAILS)
    series = pl.Series(texts)
    got = pl.select(
        exposed=french.email_valid(series),
        syntax=french.email_undeliverable_syntax(series),
        reserved=french.email_reserved(series).fill_null(False),
    )
    observed = {t: (e, s, r) for t, e, s, r in zip(texts, *got.to_dict().values(), strict=True)}
    assert observed == {t: (e, s, r and e) for t, (e, s, r) in EMAILS.items()}


def test_accented_emails_are_counted_exposed_and_undeliverable_reported_apart():
    column = ["françoise.moreau37@mail.example", "Françoise.Moreau37@mail.example",
              "jean..dupont@exemple.fr", "a.martin@exemple.fr", "bad@", ""]
    email = verify.verify(pl.DataFrame({"Courriel": column})).to_dict()["email"]
    assert email == {
        "columns": {"Courriel": {"filled": 5, "valid": 4, "invalid": 1, "reserved_domain": 2,
                                 "undeliverable": 3, "undeliverable_syntax": 1}},
        "distinct_valid": 3,
        "rows_with_email": 4,
    }


def test_decomposed_accents_count_as_the_same_address():
    composed = "françoise.moreau37@mail.example"
    decomposed = unicodedata.normalize("NFD", composed)
    assert composed != decomposed
    email = verify.verify(pl.DataFrame({"Courriel": [composed, decomposed]})).to_dict()["email"]
    assert (email["columns"]["Courriel"]["valid"], email["distinct_valid"]) == (2, 1)


def test_a_headerless_column_of_accented_emails_is_recognised_as_email():
    column = ["françoise.moreau37@mail.example", "zoé.le-guen@courriel.example",
              "anaïs.kervarec@boite.example", "hélène.tanguy@fai.example",
              "gaël.le-bihan@webmail.example"]
    assert schema.classify(pl.DataFrame({"COL07": column})).mapping == {"COL07": "email"}


def test_every_unicode_decimal_digit_is_read_in_a_phone_number():
    digits = [chr(c) for c in range(128, sys.maxunicode + 1)
              if unicodedata.category(chr(c)) == "Nd"]
    assert [*digits, "\uff0b"] == french._PHONE_FROM
    arabic = "٠٦١٢٣٤٥٦٧٨"  # 0612345678 in Arabic-Indic digits
    assert classify_phones([arabic]) == [("mobile", False)]
