"""French département names with their article: « le Morbihan », « du Morbihan », « dans l'Eure ».

French départements take an article that the gazetteer's names do not carry (« Morbihan »,
« Eure », « Côtes-d'Armor »): « le plus touché est le Morbihan », « les habitants des
Côtes-d'Armor ». The article depends on the name's gender and number, which no rule of spelling
gives, so this module keeps the table for the 101 départements (by INSEE code, checked against
the reference gazetteer by tests/test_text.py): the feminine ones, the plural ones, those that
take no article (Paris, Mayotte) and the ones whose name already starts with it (La Réunion).
Elision follows the first letter (a vowel or a mute h: « l'Hérault »; « la Haute-Loire » keeps
its aspirated h). Islands take « en » or « à » as they do in French (« en Guadeloupe », « à La
Réunion »).

>>> departement_phrase("56", "le"), departement_phrase("56", "de"), departement_phrase("56", "dans")
('le Morbihan', 'du Morbihan', 'dans le Morbihan')
>>> print(departement_phrase("27", "de"), "/", departement_phrase("22", "dans"))
de l'Eure / dans les Côtes-d'Armor
"""

from __future__ import annotations

from typing import Literal

from toolkit.shared import reference

#: A département as a phrase: subject (« le Morbihan »), after « de » (« du Morbihan ») or
#: for a place (« dans le Morbihan »).
Form = Literal["le", "de", "dans"]

FEMININE: frozenset[str] = frozenset({
    "02", "07", "09", "10", "11", "16", "17", "19", "21", "23", "24", "26", "27", "2A", "2B", "31",
    "33", "35", "36", "37", "38", "42", "43", "44", "48", "50", "51", "52", "53", "54", "55", "57",
    "58", "60", "61", "70", "71", "72", "73", "74", "76", "77", "80", "85", "86", "87", "89", "91",
    "93", "971", "972", "973",
})  # fmt: skip
PLURAL: frozenset[str] = frozenset({
    "04", "05", "06", "08", "13", "22", "40", "64", "65", "66", "78", "79", "88", "92",
})  # fmt: skip
#: Names used without an article: « à Paris », « de Mayotte ».
NO_ARTICLE: frozenset[str] = frozenset({"75", "976"})
#: Names that carry their article: « à La Réunion », « de La Réunion ».
WITH_ARTICLE: frozenset[str] = frozenset({"974"})
#: Islands, which are « en » (feminine) or « à » a place rather than « dans » it.
ISLANDS: frozenset[str] = frozenset({"971", "972", "973", "974", "976"})

_VOWELS = "aeiouyàâéèêëîïôöûüœ"
_MUTE_H = ("Hérault",)


def _elided(name: str) -> bool:
    return name[0].lower() in _VOWELS or name.startswith(_MUTE_H)


def article_phrase(code: str, name: str, form: Form) -> str:
    """``name`` (the département ``code``'s) with the article and preposition of ``form``."""
    if code in NO_ARTICLE or code in WITH_ARTICLE:
        return {"le": name, "de": f"de {name}", "dans": f"à {name}"}[form]
    if code in PLURAL:
        return {"le": f"les {name}", "de": f"des {name}", "dans": f"dans les {name}"}[form]
    if code in ISLANDS:  # feminine islands and Guyane: « la Guadeloupe », « en Guadeloupe »
        return {"le": f"la {name}", "de": f"de la {name}", "dans": f"en {name}"}[form]
    if _elided(name):
        return {"le": f"l'{name}", "de": f"de l'{name}", "dans": f"dans l'{name}"}[form]
    if code in FEMININE:
        return {"le": f"la {name}", "de": f"de la {name}", "dans": f"dans la {name}"}[form]
    return {"le": f"le {name}", "de": f"du {name}", "dans": f"dans le {name}"}[form]


def departement_phrase(code: str, form: Form = "le") -> str:
    """The reference gazetteer's name of département ``code`` with its article, in ``form``."""
    return article_phrase(code, reference.departement_name(code), form)
