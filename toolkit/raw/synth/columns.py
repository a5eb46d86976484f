"""The synthetic leak's headers, in file order, each with its data category.

Categories are the vocabulary of :mod:`toolkit.shared.vocabulary`; the generator writes the columns
in exactly this order.
"""

from __future__ import annotations

#: Headers in file order -> data category (toolkit.shared.vocabulary vocabulary).
COLUMN_CATEGORIES: dict[str, str] = {
    "ID_PATIENT": "other",
    "NUM_DOSSIER": "other",
    "CODE_LABO": "lab",
    "DATE_CREATION": "other",
    "CIVILITE": "other",
    "NOM": "surname",
    "NOM_NAISSANCE": "birth_name",
    "PRENOM": "first_name",
    "SEXE": "sex",
    "DATE_NAISSANCE": "birth_date",
    "DEPT_NAISSANCE": "other",
    "NIR": "nir",
    "ADRESSE1": "address",
    "ADRESSE2": "address",
    "CODE_POSTAL": "postcode",
    "VILLE": "commune",
    "TEL_DOMICILE": "phone_landline",
    "TEL_PORTABLE": "phone_mobile",
    "EMAIL": "email",
    "LOGIN_WEB": "login",
    "MOT_DE_PASSE": "password",
    "MED_TRAITANT_NOM": "doctor",
    "MED_TRAITANT_PRENOM": "doctor",
    "MED_TRAITANT_ADRESSE": "doctor",
    "MED_TRAITANT_CP": "doctor",
    "MED_TRAITANT_VILLE": "doctor",
    "MED_TRAITANT_TEL": "doctor",
    "MED_TRAITANT_EMAIL": "doctor",
    "MED_PRESCRIPTEUR_NOM": "doctor",
    "MED_PRESCRIPTEUR_PRENOM": "doctor",
    "MED_PRESCRIPTEUR_ADRESSE": "doctor",
    "MED_PRESCRIPTEUR_CP": "doctor",
    "MED_PRESCRIPTEUR_VILLE": "doctor",
    "MED_PRESCRIPTEUR_TEL": "doctor",
    "MED_PRESCRIPTEUR_EMAIL": "doctor",
    "MUTUELLE": "insurer",
    "CODE_REGIME": "other",
    "CAISSE": "other",
    "GROUPE_SANGUIN": "blood_group",
    "DATE_PRELEVEMENT": "sample_date",
    "HEURE_PRELEVEMENT": "other",
    "DATE_DERNIERE_VISITE": "sample_date",
    "NB_PASSAGES": "other",
    "ORIGINE": "other",
    "COMMENTAIRE_1": "comment",
    "COMMENTAIRE_2": "comment",
    "STATUT": "other",
    "DATE_MAJ": "other",
}
COLUMNS: list[str] = list(COLUMN_CATEGORIES)
