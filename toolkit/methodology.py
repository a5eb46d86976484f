"""The French methodology note of a publication bundle (``methodologie.md``).

Written for the "méthodologie" box of an article: what the file is, what was counted, what was
masked and why, the limits. The note is built from sentence templates (below) filled with the
bundle's own figures; the templates' words are also part of the tripwire's public vocabulary
(:func:`template_texts`), so that ordinary French words are never mistaken for a surname.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Sequence
from dataclasses import dataclass, field

#: Every sentence of the note, by key. Fields in braces are filled from :class:`NoteFacts`.
TEMPLATES: dict[str, str] = {
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


@dataclass
class NoteFacts:
    """The figures the note quotes (all counts, no personal data)."""

    rows: int
    persons: int
    labs: int
    first_month: dt.date | None
    last_month: dt.date | None
    quarantined: int | None
    located_share: float | None
    #: (category, share of persons) of the categories in :data:`SENSITIVE`, in that order.
    sensitive_shares: Sequence[tuple[str, float]]
    k: int
    suppressed: int
    cells: int
    tables: int
    version: str
    sha256: str
    secondary: bool = True
    rounding: int | None = None
    epsilon: float | None = None
    synthetic: bool = False
    #: Figures not published, each with its reason in brackets, in French.
    left_out: Sequence[str] = field(default_factory=list)


def template_texts() -> list[str]:
    """The literal words of every template (fields removed), for the tripwire's vocabulary."""
    texts = list(_MONTHS)
    templates = [*TEMPLATES.values(), *(t for pair in SENSITIVE.values() for t in pair)]
    for template in templates:
        texts.extend(literal for literal, *_ in string.Formatter().parse(template) if literal)
    return texts


def number_fr(n: int) -> str:
    """A whole number the French way: 491 840 (no-break space between thousands)."""
    return f"{n:,}".replace(",", "\u00a0")


def month_fr(day: dt.date | None) -> str:
    """A month written out in French: "janvier 2015"."""
    return "?" if day is None else f"{_MONTHS[day.month - 1]} {day.year}"


def _join_fr(items: Sequence[str]) -> str:
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


#: How the note names the most sensitive categories, with the share of persons they reach.
SENSITIVE: dict[str, tuple[str, str]] = {
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


def percent_fr(share: float) -> str:
    """A share as a French percentage; "plus de 99 %" rather than a rounded-up "100 %"."""
    if 0.99 < share < 1:
        return "plus de 99\u00a0%"
    if 0 < share < 0.01:
        return "moins de 1\u00a0%"
    return f"{share * 100:.0f}\u00a0%"


def _shares_fr(shares: Sequence[tuple[str, float]]) -> str:
    """ "le numéro de sécurité sociale de 99 % des personnes, un téléphone fixe pour 55 %…" """
    parts = [
        SENSITIVE[category][0 if i == 0 else 1].format(share=percent_fr(share))
        for i, (category, share) in enumerate(s for s in shares if s[0] in SENSITIVE)
    ]
    return _join_fr(parts) if parts else "aucune de ces données"


def methodology_note(facts: NoteFacts) -> str:
    """The note as Markdown: short paragraphs of French prose, ready for the article's box."""
    t = TEMPLATES
    f = facts
    file_par = [t["file"].format(
        rows=number_fr(f.rows), persons=number_fr(f.persons), labs=f.labs,
        first_month=month_fr(f.first_month), last_month=month_fr(f.last_month),
    )]  # fmt: skip
    if f.quarantined is not None:
        if f.quarantined == 0:
            file_par.append(t["quarantined_none"])
        elif f.quarantined == 1:
            file_par.append(t["quarantined_one"])
        else:
            file_par.append(t["quarantined_many"].format(quarantined=number_fr(f.quarantined)))
    if f.synthetic:
        file_par.append(t["synthetic"])
    located = "?" if f.located_share is None else percent_fr(f.located_share)
    counted = [
        t["counted_persons"],
        t["counted_place"].format(located=located),
        t["counted_categories"].format(sensitive_shares=_shares_fr(f.sensitive_shares)),
        t["counted_mentions"],
    ]
    masked = [t["masked_rule"].format(k=f.k, k_minus=f.k - 1)]
    if f.secondary:
        masked.append(t["masked_secondary"])
    if f.suppressed:
        masked.append(t["masked_count"].format(
            suppressed=number_fr(f.suppressed), cells=number_fr(f.cells), tables=f.tables))
    else:
        masked.append(t["masked_count_none"].format(cells=number_fr(f.cells), tables=f.tables))
    if f.rounding:
        masked.append(t["masked_rounding"].format(rounding=f.rounding))
    if f.epsilon is not None:
        masked.append(t["masked_dp"].format(epsilon=str(f.epsilon).replace(".", ",")))
    limits = [t["limits_linking"], t["limits_place"], t["limits_mentions"], t["limits_file"]]
    if f.left_out:
        limits.append(
            t["limits_left_out"].format(figures=_join_fr(f.left_out))
        )
    reproduce = t["reproduce"].format(version=f.version, sha256_short=f.sha256[:16])
    paragraphs = [
        t["title"],
        " ".join([t["file_heading"], *file_par]),
        " ".join([t["counted_heading"], *counted]),
        " ".join([t["masked_heading"], *masked]),
        " ".join([t["limits_heading"], *limits]),
        " ".join([t["reproduce_heading"], reproduce]),
    ]
    return "\n\n".join(paragraphs) + "\n"
