"""The fixed vocabulary of data categories and health mentions, with French and English labels.

These names are used everywhere: in code, in JSON output, in the safe table's column names
(``exposed_<category>``, ``mention_<mention>``) and, through the labels, in charts.
"""

from __future__ import annotations

from typing import Literal

#: Every column of a leak is classified into exactly one of these (DESIGN.md).
CATEGORIES: tuple[str, ...] = (
    "surname",
    "birth_name",
    "first_name",
    "birth_date",
    "sex",
    "nir",
    "address",
    "postcode",
    "commune",
    "phone_landline",
    "phone_mobile",
    "phone",
    "email",
    "login",
    "password",
    "doctor",
    "insurer",
    "blood_group",
    "sample_date",
    "lab",
    "comment",
    "other",
)

#: Categories whose values identify a person directly (or are free text that may): they never
#: cross the pseudonymisation boundary, not even coarsened.
DIRECT_IDENTIFIERS: frozenset[str] = frozenset(
    {
        "surname",
        "birth_name",
        "first_name",
        "nir",
        "address",
        "phone_landline",
        "phone_mobile",
        "phone",
        "email",
        "login",
        "password",
        "doctor",
        "comment",
    }
)

#: The pseudo-category "a comment with a health mention": persons any of whose comments carries
#: one of the :data:`HEALTH_MENTIONS`. Not a column of a leak but a flag the aggregates derive
#: from the safe table's ``mention_<mention>`` columns.
ANY_HEALTH_MENTION = "health_mention"

#: Art. 9 GDPR special categories (data concerning health). A free-text comment is not health
#: data by itself: a comment with a health mention is.
HEALTH_CATEGORIES: frozenset[str] = frozenset({"blood_group", ANY_HEALTH_MENTION})

#: The categories as the aggregates and charts list them: ``CATEGORIES`` with
#: :data:`ANY_HEALTH_MENTION` right after ``comment``.
REPORTED_CATEGORIES: tuple[str, ...] = tuple(
    reported
    for category in CATEGORIES
    for reported in ((category, ANY_HEALTH_MENTION) if category == "comment" else (category,))
)

CATEGORY_LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "surname": "Nom",
        "birth_name": "Nom de naissance",
        "first_name": "Prénom",
        "birth_date": "Date de naissance",
        "sex": "Sexe",
        "nir": "N° de sécurité sociale (NIR)",
        "address": "Adresse postale",
        "postcode": "Code postal",
        "commune": "Commune",
        "phone_landline": "Téléphone fixe",
        "phone_mobile": "Téléphone mobile",
        "phone": "Téléphone",
        "email": "Adresse e-mail",
        "login": "Identifiant du portail",
        "password": "Mot de passe en clair",
        "doctor": "Médecin traitant ou prescripteur",
        "insurer": "Mutuelle",
        "blood_group": "Groupe sanguin",
        "sample_date": "Date de prélèvement",
        "lab": "Laboratoire",
        "comment": "Commentaire libre",
        "other": "Autre",
    },
    "en": {
        "surname": "Surname",
        "birth_name": "Birth name",
        "first_name": "First name",
        "birth_date": "Date of birth",
        "sex": "Sex",
        "nir": "Social security number (NIR)",
        "address": "Postal address",
        "postcode": "Postcode",
        "commune": "Town",
        "phone_landline": "Landline phone",
        "phone_mobile": "Mobile phone",
        "phone": "Phone",
        "email": "Email address",
        "login": "Portal login",
        "password": "Plaintext password",
        "doctor": "Treating or prescribing doctor",
        "insurer": "Insurer (mutuelle)",
        "blood_group": "Blood group",
        "sample_date": "Sample date",
        "lab": "Laboratory",
        "comment": "Free-text comment",
        "other": "Other",
    },
}

#: Kinds of health mention found in free-text comments (Art. 9 data): only counts leave.
HEALTH_MENTIONS: tuple[str, ...] = (
    "pregnancy",
    "hiv",
    "hepatitis",
    "cancer",
    "genetic_disease",
    "diabetes",
    "anticoagulant",
    "treatment",
    "disability",
)

#: Mentions found in comments that are NOT health data: they say who was sampled (a child, a
#: baby), not what they have. Counted apart, never as health data.
CONTEXT_MENTIONS: tuple[str, ...] = ("child", "baby")

#: Every mention looked for in comments, in order: the health mentions, then the context ones
#: (the safe table has one ``mention_<mention>`` column each).
COMMENT_MENTIONS: tuple[str, ...] = HEALTH_MENTIONS + CONTEXT_MENTIONS

#: Labels of the mentions, and of the "at least one health mention" row of the mention tables.
MENTION_LABELS: dict[str, dict[str, str]] = {
    "fr": {
        "pregnancy": "Grossesse",
        "hiv": "VIH",
        "hepatitis": "Hépatite",
        "cancer": "Cancer, tumeur",
        "genetic_disease": "Maladie génétique",
        "diabetes": "Diabète",
        "anticoagulant": "Anticoagulant (AVK…)",
        "treatment": "Autre traitement nommé",
        "disability": "Handicap (surdité…)",
        "child": "Enfant",
        "baby": "Bébé",
        ANY_HEALTH_MENTION: "Au moins une mention de santé",
    },
    "en": {
        "pregnancy": "Pregnancy",
        "hiv": "HIV",
        "hepatitis": "Hepatitis",
        "cancer": "Cancer, tumour",
        "genetic_disease": "Genetic disease",
        "diabetes": "Diabetes",
        "anticoagulant": "Anticoagulant",
        "treatment": "Other named treatment",
        "disability": "Disability (deafness…)",
        "child": "Child",
        "baby": "Baby",
        ANY_HEALTH_MENTION: "At least one health mention",
    },
}

Lang = Literal["fr", "en"]


def category_label(category: str, lang: Lang = "fr") -> str:
    """The human label of a data category, in French by default."""
    return CATEGORY_LABELS[lang][category]


def mention_label(mention: str, lang: Lang = "fr") -> str:
    """The human label of a mention kind (or of :data:`ANY_HEALTH_MENTION`), French by default."""
    return MENTION_LABELS[lang][mention]
