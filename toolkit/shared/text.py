"""Every word the toolkit writes for readers: chart words, the methodology note's sentences.

Public texts live here, in one place, so that wording stays consistent and testable, and so that
the tripwire (``toolkit.boundary.tripwire``) knows the toolkit's own words: an identifier equal
to one of them ("enfant", "barres") is not searched, or every export would abort.
"""

from __future__ import annotations

import ast
import string
from collections.abc import Iterator
from pathlib import Path

#: Every word a chart shows that does not come from the data, in both languages.
CHART_TEXT: dict[str, dict[str, str]] = {
    "fr": {
        "source": "Source\u00a0: fichier ayant fuité (févr. 2021), analyse leak-toolkit",
        "note_primary": (
            "En gris, « < {k} »\u00a0: moins de {k} personnes, chiffre masqué (secret statistique)"
        ),
        "note_secondary": (
            "En gris, « secret »\u00a0: chiffre masqué (moins de {k} personnes, ou case masquée "
            "pour qu'on ne puisse pas la recalculer)"
        ),
        "marker_secondary": "secret",
        "persons": "Personnes",
        "records": "Lignes du fichier",
        "month": "Mois de prélèvement",
        "year": "Année",
        "lab": "Laboratoire",
        "departement": "Département",
        "category": "Donnée exposée",
        "mention": "Mention de santé",
        "share": "Part des personnes",
        "health": "Donnée de santé (art. 9 RGPD)",
        "not_health": "Autre donnée personnelle",
        "end_of_data": "Fin des données",
        "first_report": "Premier signalement",
        "women": "Femmes",
        "men": "Hommes",
        "age": "Âge",
        "distance": "Distance domicile-laboratoire",
        "per_100k": "Personnes pour 100 000 habitants",
        "combination": "Combinaison de données",
        "no_data": "aucune donnée",
        "first_sample": "Premier prélèvement",
        "last_sample": "Dernier prélèvement",
        "suppressed": "Masqué (secret statistique)",
        "lab_persons": "Personnes par laboratoire",
        "unknown": "inconnue",
        "not_located": "Non localisé",
        "health_mention": "Mention de santé",
    },
    "en": {
        "source": "Source: leaked file (Feb. 2021), leak-toolkit analysis",
        "note_primary": (
            "In grey, “< {k}”: fewer than {k} people, figure withheld (statistical secrecy)"
        ),
        "note_secondary": (
            "In grey, “withheld”: figure hidden (fewer than {k} people, or hidden so that it "
            "cannot be recomputed)"
        ),
        "marker_secondary": "withheld",
        "persons": "People",
        "records": "Rows in the file",
        "month": "Month of sample",
        "year": "Year",
        "lab": "Laboratory",
        "departement": "Département",
        "category": "Data exposed",
        "mention": "Health mention",
        "share": "Share of people",
        "health": "Health data (GDPR Art. 9)",
        "not_health": "Other personal data",
        "end_of_data": "End of data",
        "first_report": "First report",
        "women": "Women",
        "men": "Men",
        "age": "Age",
        "distance": "Distance from home to lab",
        "per_100k": "People per 100,000 inhabitants",
        "combination": "Combination of data",
        "no_data": "no data",
        "first_sample": "First sample",
        "last_sample": "Last sample",
        "suppressed": "Withheld (statistical secrecy)",
        "lab_persons": "People per laboratory",
        "unknown": "unknown",
        "not_located": "Not located",
        "health_mention": "Health mention",
    },
}


#: Every sentence of the methodology note, by key. Fields in braces are filled from the
#: bundle's figures (``toolkit.publication.methodology.NoteFacts``).
NOTE_TEMPLATES: dict[str, str] = {
    "title": "## Méthodologie",
    "file_heading": "**Le fichier.**",
    "file": (
        "Les chiffres publiés ici proviennent d'un fichier de {rows} lignes ayant fuité, qui "
        "décrit {persons} personnes distinctes, patientes de {labs} laboratoires de biologie "
        "médicale, pour des prélèvements effectués entre {first_month} et {last_month}."
    ),
    "quarantined_none": "Toutes les lignes du fichier ont pu être lues.",
    "quarantined_one": "Une ligne illisible (mal découpée ou tronquée) a été écartée.",
    "quarantined_many": (
        "{quarantined} lignes illisibles (mal découpées ou tronquées) ont été écartées."
    ),
    "synthetic": (
        "Attention : ce fichier est synthétique. Il a été fabriqué pour la démonstration de "
        "l'outil, sur le modèle de la fuite de février 2021, et aucune des personnes qu'il "
        "décrit n'existe."
    ),
    "counted_heading": "**Ce qui a été compté.**",
    "counted_persons": (
        "Une personne n'est comptée qu'une fois, même lorsqu'elle apparaît sur plusieurs lignes : "
        "les lignes sont rapprochées par le numéro de sécurité sociale quand il est valide, à "
        "défaut par le nom, le prénom et la date de naissance. Ce rapprochement se fait sur des "
        "identifiants chiffrés ; aucun nom n'a été conservé pour l'analyse."
    ),
    "counted_place": (
        "Le lieu de résidence, l'âge (par tranche de cinq ans) et le sexe retenus sont ceux du "
        "dernier prélèvement de la personne. La résidence est rattachée à une commune, puis à un "
        "département, à partir du code postal et du nom de la commune, jamais de l'adresse "
        "précise : {located} des personnes ont ainsi pu être situées."
    ),
    "counted_categories": (
        "Une personne est dite exposée à une catégorie de données (numéro de sécurité sociale, "
        "téléphone, adresse électronique, mot de passe…) si au moins l'une de ses lignes la "
        "contient. Le fichier donne {sensitive_shares}."
    ),
    "counted_mentions": (
        "Les mentions relatives à la santé (grossesse, VIH, cancer, handicap…) sont repérées "
        "dans les commentaires libres à l'aide d'une liste de mots-clés. Seul le nombre de "
        "personnes concernées est publié : aucun commentaire n'est reproduit."
    ),
    "masked_heading": "**Ce qui a été masqué, et pourquoi.**",
    "masked_rule": (
        "Comme l'exigent les règles du secret statistique appliquées par l'Insee et l'ATIH, "
        "aucune case publiée ne porte sur moins de {k} personnes : une case de 1 à {k_minus} "
        "personnes est laissée vide et signalée comme « secret statistique ». Les zéros sont "
        "publiés tels quels."
    ),
    "masked_secondary": (
        "Lorsqu'un total est publié à côté des cases, d'autres cases sont masquées à leur tour "
        "pour qu'on ne puisse pas retrouver les premières par soustraction."
    ),
    "masked_count": (
        "Au total, {suppressed} cases sur {cells} ont été masquées dans les {tables} tableaux "
        "publiés."
    ),
    "masked_count_none": (
        "Aucune des {cells} cases des {tables} tableaux publiés n'a eu besoin d'être masquée."
    ),
    "masked_rounding": (
        "Les effectifs publiés sont en outre arrondis au multiple de {rounding} le plus proche : "
        "les cases d'un tableau ne s'additionnent donc pas toujours exactement à son total."
    ),
    "masked_dp": (
        "Les effectifs ont été bruités selon la méthode de la confidentialité différentielle "
        "(paramètre epsilon = {epsilon}) : chaque chiffre publié peut s'écarter de quelques "
        "unités du chiffre exact, ce qui empêche de déduire la présence d'une personne donnée."
    ),
    "limits_heading": "**Les limites.**",
    "limits_linking": (
        "Le décompte des personnes dépend de la qualité du fichier : une faute de frappe dans un "
        "nom peut dédoubler une personne sans numéro de sécurité sociale valide, et deux "
        "homonymes nés le même jour peuvent être confondus."
    ),
    "limits_place": (
        "L'adresse enregistrée par le laboratoire peut être ancienne : la carte montre où "
        "vivaient les personnes au moment de leur prélèvement, pas aujourd'hui."
    ),
    "limits_mentions": (
        "La recherche de mots-clés ne comprend pas les phrases : elle peut manquer une mention "
        "mal orthographiée et compter une mention niée (« pas de diabète »). Ces chiffres sont "
        "des ordres de grandeur."
    ),
    "limits_file": (
        "Enfin, le fichier examiné n'est peut-être qu'une partie de ce qui a fuité : ces chiffres "
        "sont des minimums."
    ),
    "limits_left_out": "Ce dossier ne montre pas {figures}.",
    "reproduce_heading": "**Reproduire.**",
    "reproduce": (
        "Les calculs ont été faits avec leak-toolkit {version}. Le fichier source a pour "
        "empreinte SHA-256 {sha256_short}… ; le fichier manifest.json joint liste tous les "
        "paramètres et l'empreinte de chaque fichier publié."
    ),
}

_MONTHS = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip


MONTHS_FR: tuple[str, ...] = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip

#: How the note names the most sensitive categories, with the share of persons they reach.
NOTE_SENSITIVE: dict[str, tuple[str, str]] = {
    "nir": ("le numéro de sécurité sociale de {share} des personnes", "le numéro de sécurité "
            "sociale pour {share}"),
    "phone_landline": ("un téléphone fixe de {share} des personnes",
                       "un téléphone fixe pour {share}"),
    "phone_mobile": ("un téléphone mobile de {share} des personnes",
                     "un téléphone mobile pour {share}"),
    "email": ("une adresse e-mail de {share} des personnes", "une adresse e-mail pour {share}"),
    "password": ("un mot de passe en clair de {share} des personnes",
                 "un mot de passe en clair pour {share}"),
    "blood_group": ("le groupe sanguin de {share} des personnes", "le groupe sanguin pour {share}"),
}  # fmt: skip



def _literals(template: str) -> Iterator[str]:
    """The literal words of a template, its ``{fields}`` removed."""
    return (literal for literal, *_ in string.Formatter().parse(template) if literal)


def public_texts() -> list[str]:
    """Every text of this catalogue, fields removed (the tripwire's public vocabulary)."""
    texts: list[str] = list(MONTHS_FR)
    for table in CHART_TEXT.values():
        for template in table.values():
            texts.extend(_literals(template))
    sensitive = (t for pair in NOTE_SENSITIVE.values() for t in pair)
    for template in [*NOTE_TEMPLATES.values(), *sensitive]:
        texts.extend(_literals(template))
    return texts


#: Modules that still write words of their own, outside this catalogue (read as text, not
#: imported: the catalogue sits below every layer that uses it).
_MODULES_WITH_WORDS = ("publication/charts",)


def source_literals() -> list[str]:
    """Every string literal of the modules that still hold words of their own."""
    package = Path(__file__).resolve().parents[1]
    texts = []
    for folder in _MODULES_WITH_WORDS:
        for path in sorted((package / folder).glob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Constant) and isinstance(node.value, str):
                    texts.append(node.value)
    return texts
