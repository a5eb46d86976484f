"""French typography: the no-break spaces a French text needs, applied and checked in one place.

French puts a space before the high punctuation « : ; ? ! », before « % » and inside guillemets;
that space must not break, or a line may start with a colon or a lone guillemet. Before « , »
and « . » there is no space at all. :func:`french_spacing` fixes a line (the chart theme applies
it to titles), :func:`french_typography_problems` says what is wrong with a text (the tests run it
on every published French text and every French template of ``toolkit.shared.text``).

>>> french_spacing("Sources : Insee ; « laboratoire »")
'Sources\\xa0: Insee\\xa0; «\\xa0laboratoire\\xa0»'
>>> french_typography_problems("Sources : Insee")
["plain space before ':' in 'Sources : Insee'"]
>>> french_typography_problems("Sources\\xa0: Insee, 12 personnes.")
[]
"""

from __future__ import annotations

import re

#: The two no-break spaces French typography uses (a regular one and the narrow one).
NO_BREAK = "\u00a0"
NARROW_NO_BREAK = "\u202f"
NO_BREAK_SPACES = NO_BREAK + NARROW_NO_BREAK

#: Signs that take a no-break space before them, with the one :func:`french_spacing` puts there
#: (the narrow one before « % », as the number formatter writes it).
SPACED_AFTER_WORD: dict[str, str] = {
    ":": NO_BREAK, ";": NO_BREAK, "?": NO_BREAK, "!": NO_BREAK, "%": NARROW_NO_BREAK,
}  # fmt: skip

# Punctuation used as punctuation: followed by a space, a closing sign or the end of the text.
# (A colon inside « 12:30 », « https:// » or « {share:.0%} » is not French punctuation.)
_AS_PUNCTUATION = r"(?=[\s)\]»*_]|$)"
_PLAIN_BEFORE = re.compile(r"(?<=\S) ([:;?!%»])")
_GLUED = re.compile(r"(?<=[\w)\]»*_])([:;?!%])" + _AS_PUNCTUATION)
_OPEN_PLAIN = re.compile(r"« ")
_OPEN_GLUED = re.compile(r"«(?=[^\s\u00a0\u202f])")
_CLOSE_GLUED = re.compile(r"(?<=[^\s\u00a0\u202f])»")
_BEFORE_COMMA = re.compile(r"(?<=\S)[ \u00a0\u202f]+([,.])(?=\s|$)")


def _excerpt(text: str, start: int, end: int) -> str:
    return repr(text[max(0, start - 20) : end + 20])


def french_spacing(line: str) -> str:
    """A line with the plain space before « : ; ? ! % » and inside « » made a no-break space.

    A sign written with no space at all is left as it is: « 12:30 » or « https:// » are no
    French punctuation, and :func:`french_typography_problems` reports a forgotten space.
    """
    line = re.sub(r" ([:;?!%])", lambda m: SPACED_AFTER_WORD[m[1]] + m[1], line)
    return line.replace("« ", "«" + NO_BREAK).replace(" »", NO_BREAK + "»")


#: Each pattern, and what its match says is wrong (``{}``: the mark it matched).
_CHECKS = (
    (_PLAIN_BEFORE, "plain space before {!r}"),
    (_GLUED, "no space before {!r}"),
    (_OPEN_PLAIN, "plain space after '«'"),
    (_OPEN_GLUED, "no space after '«'"),
    (_CLOSE_GLUED, "no space before '»'"),
    (_BEFORE_COMMA, "space before {!r}"),
)


def french_typography_problems(text: str) -> list[str]:
    r"""What breaks French typography in ``text``, one sentence per problem (empty: none).

    A no-break space (U+00A0 or U+202F) is required before « : ; ? ! % » and inside « »,
    never a plain space; there is no space before « , » and « . ».

    >>> print("\n".join(french_typography_problems("« oui » : 3% , non")))
    plain space before '»' in '« oui » : 3% , non'
    plain space before ':' in '« oui » : 3% , non'
    no space before '%' in '« oui » : 3% , non'
    plain space after '«' in '« oui » : 3% , non'
    space before ',' in '« oui » : 3% , non'
    >>> french_typography_problems("À 12:30, voir https://example.org ou {share:.0%}.")
    []
    """
    return [
        f"{problem.format(m[1] if m.re.groups else '')} in {_excerpt(text, m.start(), m.end())}"
        for pattern, problem in _CHECKS
        for m in pattern.finditer(text)
    ]
