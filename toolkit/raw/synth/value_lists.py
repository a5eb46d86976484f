"""The fixed lists that non-name values are drawn from, and the ranges reserved for fiction.

Streets, address complements, insurers, blood groups, weak passwords and health-insurance funds
look real; phone numbers lie only in blocks the regulator (Arcep) reserves for fiction and e-mail
addresses only under the reserved ``.example`` domain, so that no generated contact can reach
anyone.
"""

from __future__ import annotations

STREET_TYPES = ("rue", "rue", "rue", "avenue", "boulevard", "impasse", "allée", "place", "chemin",
                "route", "lieu-dit")
STREET_NAMES = (
    "des Lilas", "de la Gare", "Victor Hugo", "du Général de Gaulle", "Jean Jaurès", "de l'Église",
    "des Écoles", "du Moulin", "de la Mairie", "Pasteur", "des Tilleuls", "du Stade",
    "de la République", "Jules Ferry", "des Chênes", "du Port", "de Verdun", "Gambetta",
    "des Mimosas", "de Bretagne", "du Château", "Saint-Martin", "de la Fontaine", "des Peupliers",
    "de Kerlann", "de Penhoët", "des Genêts", "Anatole France", "de la Libération", "du Lavoir",
    "de la Forêt", "des Vignes", "de Paris", "du Moustoir", "de Kervénanec", "des Sablons",
)
ADDRESS2 = ("Bât. B", "Appt 12", "Résidence les Tilleuls", "Lieu-dit Kerlann", "Escalier A",
            "chez Mme Martin", "BP 42", "Appt 3, 2e étage")
MUTUELLES = ("MGEN", "Harmonie Mutuelle", "MAAF Santé", "Malakoff Humanis", "Groupama",
             "AG2R La Mondiale", "MNT", "Intériale", "MACIF", "Swiss Life", "Apivia", "MSA",
             "CMU-C", "Mutuelle Familiale", "Mutualité Française", "April", "Axa", "Alan")
BLOOD_GROUPS = ("O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-")
BLOOD_WEIGHTS = (0.36, 0.37, 0.08, 0.03, 0.06, 0.07, 0.02, 0.01)
PASSWORD_WORDS = ("soleil", "bretagne", "azerty", "loulou", "marine", "chouchou", "doudou",
                  "papillon", "motdepasse", "vacances", "nounours", "princesse", "Lorient",
                  "Orleans", "labo", "chaton", "bonjour", "camping", "moto", "jardin")
CAISSE_NAMES = {"56": "CPAM du Morbihan", "45": "CPAM du Loiret", "27": "CPAM de l'Eure",
                "22": "CPAM des Côtes-d'Armor", "35": "CPAM d'Ille-et-Vilaine",
                "41": "CPAM de Loir-et-Cher"}
EMAIL_DOMAINS = ("mail.example", "courriel.example", "boite.example", "fai.example",
                 "webmail.example")
#: Blocks the regulator (Arcep) reserves for fiction. Landlines: 02 61 91 for the west, a few
#: elsewhere.
LANDLINE_PREFIXES = ("026191", "019900", "035301", "046571", "053649")
LANDLINE_WEIGHTS = (0.96, 0.01, 0.01, 0.01, 0.01)
MOBILE_PREFIX = "063998"
#: Birth places outside France, as NIR "commune" digits with département 99 (INSEE country codes).
FOREIGN_COUNTRIES = (350, 352, 351, 139, 109, 127, 134, 131, 135, 328)
