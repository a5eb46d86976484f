"""Every word the toolkit writes for readers, in one catalogue, in French (and English).

Charts (titles, subtitles, axis and legend titles, alt texts, footnotes; the source line is the
case's, ``toolkit.shared.case``), the published CSV (headers, labels), the explorer widget, the
methodology note, the sentences of disclosure control, the verdicts of the claims checker and the
reasons a figure is left out of a bundle: code never spells a public word itself, it names the
text by its key and fills its fields.

Keys are dotted, from the area to the item: ``chart.fictional``, ``chart.timeline.title``,
``map.communes.alt``, ``csv.header.persons``, ``note.masked_rule``, ``disclosure.explain``. A
text is a :meth:`str.format` template (fields in braces), in French and, for everything charts,
maps, the explorer and disclosure control write, in English. A text whose words depend on a
count is a pair (singular, plural), chosen by :func:`plural` with the language's rule: in French
the singular goes up to 1.99 ("1,5 personne"), in English only 1 is singular.

>>> text("chart.persons")
'Personnes'
>>> text("chart.timeline.title", "en", first=2015, last=2021)
'Samples from 2015 to 2021'
>>> plural("chart.lab_windows.title", 1, n=1)
'1 laboratoire\\xa0: la période couverte'
>>> plural("disclosure.people", 1.5, "fr"), plural("disclosure.people", 1.5, "en")
('personne', 'people')
>>> enumeration(["a", "b", "c"])
'a, b et c'

Keeping the words here keeps wording consistent and testable, and tells the tripwire
(``toolkit.boundary.tripwire``) which words are the toolkit's own (:func:`public_texts`): an
identifier equal to one of them ("enfant", "barres") is not searched, or every export would abort.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Sequence

from toolkit.shared.vocabulary import Lang

#: A text in one language: a template, or a (singular, plural) pair of templates.
Template = str | tuple[str, str]

#: Languages of the catalogue; French is the default everywhere.
LANGUAGES: tuple[Lang, ...] = ("fr", "en")

#: Key prefixes whose texts exist in both languages (charts and the explorer speak English too).
BILINGUAL: tuple[str, ...] = ("chart.", "map.", "explorer.", "disclosure.", "format.", "list.")

#: What the labs' periods can and cannot show (the end of ``fabrication.lab_windows.reading``).
_WINDOWS_FR = (
    "Des laboratoires qui rejoignent un logiciel à des dates différentes en ont\u00a0; un "
    "faussaire "
    "qui tire toutes les dates dans une même période n'en produit aucun, mais un export de "
    "laboratoires qui ont tous utilisé le logiciel sur toute la période non plus."
)
_WINDOWS_EN = (
    "Labs joining a software at different dates have one; a forger drawing every date from one "
    "period produces none, but so does an export of labs that all used the software throughout."
)

#: The catalogue: key -> language -> template.
TEXTS: dict[str, dict[str, Template]] = {
    # --- charts: words every chart may show ----------------------------------------------------
    # The source line under a chart is the case's (``toolkit.shared.case``), not a text here;
    # it also ends the chart's alt text.
    "chart.alt_source": {"fr": "{alt} {source}.", "en": "{alt} {source}."},
    # On a chart made from a synthetic file, above the source line, and in its alt text.
    "chart.fictional": {
        "fr": "Données fictives\u00a0: fichier synthétique, aucune de ces personnes n'existe",
        "en": "Fictional data: synthetic file, none of these people exist",
    },
    "chart.fictional_alt": {
        "fr": "Données fictives (fichier synthétique). {alt}",
        "en": "Fictional data (synthetic file). {alt}",
    },
    "chart.note_primary": {
        "fr": (
            "En gris, «\u00a0< {k}\u00a0»\u00a0: moins de {k} personnes, chiffre masqué (secret "
            "statistique)"
        ),
        "en": "In grey, “< {k}”: fewer than {k} people, figure withheld (statistical secrecy)",
    },
    "chart.note_secondary": {
        "fr": (
            "En gris, «\u00a0secret\u00a0»\u00a0: chiffre masqué (moins de {k} personnes, ou case "
            "masquée "
            "pour qu'on ne puisse pas la recalculer)"
        ),
        "en": (
            "In grey, “withheld”: figure hidden (fewer than {k} people, or hidden so that it "
            "cannot be recomputed)"
        ),
    },
    "chart.marker_secondary": {"fr": "secret", "en": "withheld"},
    "chart.persons": {"fr": "Personnes", "en": "People"},
    "chart.records": {"fr": "Lignes du fichier", "en": "Rows in the file"},
    "chart.month": {"fr": "Mois de prélèvement", "en": "Month of sample"},
    "chart.year": {"fr": "Année", "en": "Year"},
    "chart.lab": {"fr": "Laboratoire", "en": "Laboratory"},
    "chart.departement": {"fr": "Département", "en": "Département"},
    "chart.category": {"fr": "Donnée exposée", "en": "Data exposed"},
    "chart.mention": {"fr": "Mention de santé", "en": "Health mention"},
    "chart.share": {"fr": "Part des personnes", "en": "Share of people"},
    "chart.health": {"fr": "Donnée de santé (art. 9 RGPD)", "en": "Health data (GDPR Art. 9)"},
    "chart.not_health": {"fr": "Autre donnée personnelle", "en": "Other personal data"},
    "chart.context_mention": {
        "fr": "Mention sans caractère médical (pas une donnée de santé)",
        "en": "Mention with no medical meaning (not health data)",
    },
    "chart.women": {"fr": "Femmes", "en": "Women"},
    "chart.men": {"fr": "Hommes", "en": "Men"},
    "chart.age": {"fr": "Âge", "en": "Age"},
    "chart.distance": {"fr": "Distance domicile-laboratoire", "en": "Distance from home to lab"},
    "chart.combination": {"fr": "Combinaison de données", "en": "Combination of data"},
    "chart.no_data": {"fr": "aucune donnée", "en": "no data"},
    "chart.first_sample": {"fr": "Premier prélèvement", "en": "First sample"},
    "chart.last_sample": {"fr": "Dernier prélèvement", "en": "Last sample"},
    "chart.suppressed": {
        "fr": "Masqué (secret statistique)",
        "en": "Withheld (statistical secrecy)",
    },
    "chart.lab_persons": {"fr": "Personnes par laboratoire", "en": "People per laboratory"},
    "chart.unknown": {"fr": "inconnue", "en": "unknown"},
    "chart.not_located": {"fr": "Non localisé", "en": "Not located"},
    # --- a comparison of copies (toolkit.publication.comparison) ----------------------------------
    "compare.chart.only": {"fr": "{copy} seulement", "en": "{copy} only"},
    "compare.chart.and": {"fr": "et", "en": "and"},
    "compare.overlap.title": {
        "fr": "Qui figure dans quelle copie du fichier",
        "en": "Who is in which copy of the file",
    },
    "compare.overlap.subtitle": {
        "fr": "Personnes, selon les copies où elles apparaissent",
        "en": "People, by the copies they appear in",
    },
    "compare.overlap.alt": {
        "fr": (
            "Diagramme en barres\u00a0: un groupe de copies\u00a0; {first} compte {persons} "
            "personnes.",
            "Diagramme en barres\u00a0: {n} groupes de copies\u00a0; le plus grand, {first}, "
            "compte "
            "{persons} personnes.",
        ),
        "en": (
            "Bar chart: one group of copies; {first} holds {persons} people.",
            "Bar chart: {n} groups of copies; the largest, {first}, holds {persons} people.",
        ),
    },
    "compare.differences.title_month": {
        "fr": "Personnes présentes dans une seule copie, par mois de prélèvement",
        "en": "People found in one copy only, by month of sample",
    },
    "compare.differences.title_lab": {
        "fr": "Personnes présentes dans une seule copie, par laboratoire",
        "en": "People found in one copy only, by laboratory",
    },
    "compare.differences.subtitle": {
        "fr": "Une personne compte dans chaque mois ou laboratoire où elle a un prélèvement",
        "en": "A person counts in every month or laboratory where they have a sample",
    },
    "compare.differences.separator": {"fr": "\u00a0; ", "en": "; "},
    "compare.differences.sum": {"fr": "{pattern}, {value}", "en": "{pattern}, {value}"},
    "compare.differences.all_hidden": {"fr": "barres toutes masquées", "en": "all bars withheld"},
    "compare.differences.by_month": {"fr": "par mois", "en": "by month"},
    "compare.differences.by_lab": {"fr": "par laboratoire", "en": "by laboratory"},
    "compare.differences.alt": {
        "fr": (
            "Diagramme en barres des personnes présentes dans une seule copie, {by} (sommes des "
            "barres publiées\u00a0: {totals})."
        ),
        "en": "Bar chart of the people found in one copy only, {by} (sums of the published "
              "bars: {totals}).",
    },
    "csv.header.copies": {"fr": "Copies"},
    "csv.header.copy": {"fr": "Copie"},
    "chart.unknown_lab": {"fr": "Laboratoire inconnu", "en": "Unknown laboratory"},
    "chart.health_mention": {
        "fr": "Commentaire avec mention de santé",
        "en": "Comment with a health mention",
    },
    # --- the timeline ----------------------------------------------------------------------------
    "chart.timeline.title": {
        "fr": "Des prélèvements de {first} à {last}",
        "en": "Samples from {first} to {last}",
    },
    # {peak}: the one or two years in a row that hold at least half of the monthly counts.
    "chart.timeline.title_peak": {
        "fr": "Des prélèvements de {first} à {last}, surtout en {peak}",
        "en": "Samples from {first} to {last}, mostly in {peak}",
    },
    "chart.timeline.subtitle": {
        "fr": "{count} par mois de prélèvement",
        "en": "{count} per month of sample",
    },
    "chart.timeline.subtitle_departement": {
        "fr": "{count} par mois de prélèvement et par département",
        "en": "{count} per month of sample and département",
    },
    "chart.timeline.subtitle_lab": {
        "fr": "{count} par mois et par laboratoire",
        "en": "{count} per month and laboratory",
    },
    "chart.timeline.end_of_data": {
        "fr": "Fin des données\u00a0: {month}",
        "en": "End of data: {month}",
    },
    "chart.timeline.first_report": {
        "fr": "Premier signalement\u00a0: {day}",
        "en": "First report: {day}",
    },
    "chart.timeline.alt": {
        "fr": (
            "Courbe\u00a0: {counted} par mois de prélèvement, de {first} à {last}.{peak} Les "
            "données s'arrêtent en {last}\u00a0; la fuite a été signalée le {reported}."
        ),
        "en": (
            "Line chart: {counted} by month of sample, from {first} to {last}.{peak} The data end "
            "in {last}; the leak was first reported on {reported}."
        ),
    },
    "chart.timeline.alt_peak_persons": {
        "fr": ("Au plus fort, {n} personne en {month}.", "Au plus fort, {n} personnes en {month}."),
        "en": ("At the peak, {n} person in {month}.", "At the peak, {n} people in {month}."),
    },
    "chart.timeline.alt_peak_records": {
        "fr": (
            "Au plus fort, {n} ligne du fichier en {month}.",
            "Au plus fort, {n} lignes du fichier en {month}.",
        ),
        "en": ("At the peak, {n} row in {month}.", "At the peak, {n} rows in {month}."),
    },
    # --- lab windows -----------------------------------------------------------------------------
    "chart.lab_windows.title": {
        "fr": (
            "{n} laboratoire\u00a0: la période couverte",
            "{n} laboratoires\u00a0: la période couverte par chacun",
        ),
        "en": (
            "{n} laboratory: the period it covers",
            "{n} laboratories: the period each one covers",
        ),
    },
    "chart.lab_windows.subtitle": {
        "fr": (
            "Du premier au dernier prélèvement présent dans le fichier\u00a0; épaisseur\u00a0: "
            "personnes "
            "exposées"
        ),
        "en": "From the first to the last sample in the file; thickness: people exposed",
    },
    "chart.lab_windows.alt": {
        "fr": (
            "Barre horizontale\u00a0: pour le laboratoire, la période entre son premier et son "
            "dernier "
            "prélèvement dans le fichier.{lead}",
            "Barres horizontales\u00a0: pour chacun des {n} laboratoires, la période entre son "
            "premier "
            "et son dernier prélèvement dans le fichier.{lead}",
        ),
        "en": (
            "Horizontal bar: for the one laboratory, the period between its first and last "
            "sample in the file.{lead}",
            "Horizontal bars: for each of the {n} laboratories, the period between its first "
            "and last sample in the file.{lead}",
        ),
    },
    "chart.lab_windows.lead": {
        "fr": " Le plus gros, {lab}, expose {persons} personnes.",
        "en": " The largest, {lab}, exposes {persons} people.",
    },
    # --- data categories -------------------------------------------------------------------------
    "chart.categories.title": {"fr": "Ce qui a fuité", "en": "What was leaked"},
    "chart.categories.title_top": {
        "fr": "{first}\u00a0: la donnée la plus exposée ({persons} personnes)",
        "en": "{first}: the most exposed data ({persons} people)",
    },
    "chart.categories.title_tied": {
        "fr": "{n} types de données exposés chacun pour {persons} personnes",
        "en": "{n} kinds of data exposed for {persons} people each",
    },
    "chart.categories.subtitle": {
        "fr": "Part des personnes exposées, par type de donnée\u00a0; en rouge, données de santé",
        "en": "Share of people exposed, by kind of data; in red, health data",
    },
    "chart.categories.alt": {
        "fr": (
            "Barres horizontales\u00a0: part des personnes exposées pour {n} types de données. "
            "La plus exposée\u00a0: {first} ({share})\u00a0; la moins exposée\u00a0: {last}. "
            "Données de santé\u00a0: {health}."
        ),
        "en": (
            "Horizontal bars: share of people exposed for {n} kinds of data. The most exposed: "
            "{first} ({share}); the least exposed: {last}. Health data: {health}."
        ),
    },
    "chart.categories.no_health": {"fr": "aucune", "en": "none"},
    "chart.category_year.title": {
        "fr": "Les données exposées, année par année",
        "en": "Data exposed, year by year",
    },
    "chart.category_year.subtitle_share": {
        "fr": (
            "Part des personnes de l'année exposées par type de donnée\u00a0; en rouge, données de "
            "santé"
        ),
        "en": "Share of the year's people exposed by kind of data; in red, health data",
    },
    "chart.category_year.subtitle_persons": {
        "fr": "Personnes exposées par type de donnée\u00a0; en rouge, données de santé",
        "en": "People exposed by kind of data; in red, health data",
    },
    "chart.category_year.alt": {
        "fr": (
            "Tableau coloré\u00a0: {n} types de données en lignes, années {first} à {last} en "
            "colonnes\u00a0; plus la case est foncée, plus la part des personnes exposées est "
            "grande."
        ),
        "en": (
            "Heatmap: {n} kinds of data in rows, years {first} to {last} in columns; the darker "
            "the cell, the larger the share of people exposed."
        ),
    },
    "chart.co_exposure.title": {
        "fr": "Quelles données fuitent ensemble",
        "en": "Which data leaked together",
    },
    "chart.co_exposure.subtitle": {
        "fr": "Personnes par combinaison de données exposées ({n} plus fréquentes)",
        "en": "People by combination of data exposed (top {n})",
    },
    "chart.co_exposure.alt": {
        "fr": (
            "Diagramme en barres et matrice de points\u00a0: les {n} combinaisons de données les "
            "plus "
            "fréquentes. La première, {best}, concerne {persons} personnes."
        ),
        "en": (
            "Bar chart with a dot matrix: the {n} most frequent combinations of data. The "
            "first, {best}, concerns {persons} people."
        ),
    },
    "chart.health_mentions.title": {
        "fr": "Les mentions de santé dans les commentaires",
        "en": "Health mentions in the comments",
    },
    "chart.health_mentions.title_total": {
        "fr": (
            "{persons} personne a une mention de santé dans un commentaire",
            "{persons} personnes ont une mention de santé dans un commentaire",
        ),
        "en": (
            "{persons} person has a health mention in a comment",
            "{persons} people have a health mention in a comment",
        ),
    },
    "chart.health_mentions.subtitle": {
        "fr": "Personnes dont un commentaire libre mentionne…\u00a0; en rouge, données de santé",
        "en": "People whose free-text comment mentions…; in red, health data",
    },
    "chart.health_mentions.alt": {
        "fr": (
            "{title}. Barres\u00a0: personnes par type de mention. Mentions de santé\u00a0: "
            "{health}. Mentions sans caractère médical, qui ne sont pas des données de "
            "santé\u00a0: "
            "{context}."
        ),
        "en": (
            "{title}. Bars: people by kind of mention. Health mentions: {health}. Mentions with "
            "no medical meaning, which are not health data: {context}."
        ),
    },
    "chart.health_mentions.alt_grid": {
        "fr": (
            "{title}. Tableau coloré\u00a0: {n} types de mention en lignes\u00a0; en rouge, les "
            "mentions de santé. Mentions sans caractère médical, qui ne sont pas des données de "
            "santé\u00a0: {context}."
        ),
        "en": (
            "{title}. Heatmap: {n} kinds of mention in rows; in red, the health mentions. "
            "Mentions with no medical meaning, which are not health data: {context}."
        ),
    },
    # --- who -------------------------------------------------------------------------------------
    "chart.pyramid.title": {"fr": "Qui est exposé", "en": "Who is exposed"},
    # {ages}: the 20-year age group with the most persons per band (« 60-79 ans »).
    "chart.pyramid.title_ages": {
        "fr": "Les {ages}, les plus exposés",
        "en": "People aged {ages}, the most exposed",
    },
    "chart.pyramid.band": {"fr": "{low}-{high} ans", "en": "{low}-{high}"},
    "chart.pyramid.band_top": {"fr": "{low} ans et plus", "en": "{low} and over"},
    "chart.pyramid.group_under": {"fr": "moins de {high} ans", "en": "under {high}"},
    "chart.pyramid.at_least": {"fr": "au moins {n}", "en": "at least {n}"},
    "chart.pyramid.unknown_sex": {
        "fr": (
            "Sexe inconnu\u00a0: {n} personne, non représentée",
            "Sexe inconnu\u00a0: {n} personnes, non représentées",
        ),
        "en": ("Sex unknown: {n} person, not drawn", "Sex unknown: {n} people, not drawn"),
    },
    "chart.pyramid.unknown_sex_hidden": {
        "fr": "Sexe inconnu\u00a0: chiffre masqué (secret statistique), non représenté",
        "en": "Sex unknown: figure withheld (statistical secrecy), not drawn",
    },
    "chart.pyramid.unknown_age": {
        "fr": (
            "Âge inconnu\u00a0: {n} personne, non représentée",
            "Âge inconnu\u00a0: {n} personnes, non représentées",
        ),
        "en": ("Age unknown: {n} person, not drawn", "Age unknown: {n} people, not drawn"),
    },
    "chart.pyramid.unknown_age_hidden": {
        "fr": "Âge inconnu\u00a0: chiffre masqué (secret statistique), non représenté",
        "en": "Age unknown: figure withheld (statistical secrecy), not drawn",
    },
    "chart.pyramid.top_band": {
        "fr": (
            "{top}\u00a0: {n} personnes, plus que les {below} ({m}), dont sans doute des années "
            "de naissance invraisemblables"
        ),
        "en": (
            "{top}: {n} people, more than those aged {below} ({m}), likely including "
            "implausible birth years"
        ),
    },
    "chart.pyramid.subtitle": {
        "fr": "Personnes par tranche d'âge et par sexe",
        "en": "People by age band and sex",
    },
    "chart.pyramid.alt": {
        "fr": (
            "Pyramide des âges\u00a0: {women} femmes et {men} hommes, par tranche d'âge de "
            "{youngest} "
            "à {oldest}."
        ),
        "en": (
            "Age pyramid: {women} women and {men} men, by age band from {youngest} to {oldest}."
        ),
    },
    "chart.distance.title": {
        "fr": "À quelle distance du laboratoire",
        "en": "How far from the laboratory",
    },
    # {n} in 10 persons located live less than {km} km from the lab of their latest sample.
    "chart.distance.title_within": {
        "fr": "{n} personnes sur 10 vivent à moins de {km}\u00a0km de leur laboratoire",
        "en": "{n} in 10 people live less than {km} km from their laboratory",
    },
    "chart.distance.subtitle": {
        "fr": (
            "Personnes par distance entre la commune de résidence et le laboratoire de leur "
            "dernier prélèvement"
        ),
        "en": "People by distance between home town and the laboratory of their latest sample",
    },
    "chart.distance.beyond": {"fr": "plus de {km} km", "en": "over {km} km"},
    "chart.distance.band": {"fr": "{band}\u00a0: {n}", "en": "{band}: {n}"},
    "chart.distance.separator": {"fr": "\u00a0; ", "en": "; "},
    "chart.distance.hidden": {"fr": "chiffre masqué", "en": "withheld"},
    "chart.distance.alt": {
        "fr": (
            "Diagramme en barres\u00a0: personnes par distance entre leur commune et le "
            "laboratoire de leur dernier prélèvement, chacune comptée une fois ({bands})."
        ),
        "en": (
            "Bar chart: people by distance between their home town and the laboratory of their "
            "latest sample, each counted once ({bands})."
        ),
    },
    # --- maps ------------------------------------------------------------------------------------
    "map.departements.title_one_in": {
        "fr": "{dans}{departement}, {share} est exposé à la fuite",
        "en": "In {departement}, {share} is exposed by the leak",
    },
    "map.departements.title_share": {
        "fr": "{dans}{departement}, {share} des habitants sont exposés à la fuite",
        "en": "In {departement}, {share} of residents are exposed by the leak",
    },
    "map.departements.title_neutral": {
        "fr": "Les personnes exposées, rapportées à la population",
        "en": "People exposed, relative to population",
    },
    "map.departements.title_persons": {
        "fr": "Où vivent les personnes exposées",
        "en": "Where the people exposed live",
    },
    "map.one_in.numbers": {
        "fr": "deux trois quatre cinq six sept huit neuf dix",
        "en": "two three four five six seven eight nine ten",
    },
    "map.one_in.exact": {"fr": "un habitant sur {n}", "en": "one resident in {n}"},
    "map.one_in.about": {"fr": "près d'un habitant sur {n}", "en": "nearly one resident in {n}"},
    "map.one_in.over": {
        "fr": "plus d'un habitant sur {n}", "en": "more than one resident in {n}",
    },
    "map.share": {"fr": "Part des habitants exposés", "en": "Share of residents exposed"},
    "map.class.below": {"fr": "moins de {high}", "en": "under {high}"},
    "map.class.between": {"fr": "{low} à {high}", "en": "{low} to {high}"},
    "map.class.above": {"fr": "{low} et plus", "en": "{low} and over"},
    "map.class.any": {"fr": "personnes exposées", "en": "people exposed"},
    "map.class.none": {"fr": "aucune personne", "en": "nobody"},
    "map.class.hidden": {"fr": "secret", "en": "withheld"},
    "map.departements.subtitle_share": {
        "fr": "Part des habitants exposés, par département de résidence",
        "en": "Share of residents exposed, by département of residence",
    },
    "map.departements.subtitle_persons": {
        "fr": "Personnes exposées, par département de résidence",
        "en": "People exposed, by département of residence",
    },
    "map.departements.subtitle_labs": {
        "fr": "{subtitle}\u00a0; cercles\u00a0: laboratoires, selon les personnes exposées",
        "en": "{subtitle}; circles: laboratories, sized by people exposed",
    },
    "map.departements.outside": {"fr": "Hors carte\u00a0: {list}", "en": "Off the map: {list}"},
    "map.departements.more": {"fr": "{list} et {n} autres", "en": "{list} and {n} more"},
    "map.departements.alt_share": {
        "fr": (
            "Carte des départements colorés selon la part de leurs habitants exposés à la fuite "
            "({n} départements où résident des personnes exposées)\u00a0: {values}."
        ),
        "en": (
            "Map of départements coloured by the share of their residents exposed by the leak "
            "({n} départements where people exposed live): {values}."
        ),
    },
    "map.departements.alt_persons": {
        "fr": (
            "Carte des départements colorés selon le nombre de personnes exposées qui y résident "
            "({n} départements)\u00a0: {values}."
        ),
        "en": (
            "Map of départements coloured by the number of people exposed who live there "
            "({n} départements): {values}."
        ),
    },
    "map.communes.title": {"fr": "Commune par commune", "en": "Town by town"},
    "map.communes.subtitle": {
        "fr": (
            "Part des habitants exposés, commune par commune, dans les départements "
            "{departements}"
        ),
        "en": (
            "Share of residents exposed, town by town, in départements {departements}"
        ),
    },
    "map.communes.alt": {
        "fr": (
            "Carte des communes des départements {departements}\u00a0: {n} communes avec des "
            "personnes exposées, colorées selon la part de leurs habitants exposés."
        ),
        "en": (
            "Map of the towns of départements {departements}: {n} towns with people exposed, "
            "coloured by the share of their residents exposed."
        ),
    },
    # --- the explorer widget ---------------------------------------------------------------------
    "explorer.labs": {"fr": "Laboratoires", "en": "Labs"},
    "explorer.departements": {"fr": "Départements", "en": "Départements"},
    "explorer.categories": {"fr": "Catégories", "en": "Categories"},
    "explorer.period": {"fr": "Période", "en": "Period"},
    "explorer.k": {"fr": "Seuil k", "en": "Threshold k"},
    "explorer.hint": {
        "fr": "Aucune sélection dans une liste = tout. Ctrl/Maj + clic\u00a0: plusieurs choix.",
        "en": "No selection in a list = all. Ctrl/Shift + click: several choices.",
    },
    "explorer.empty": {
        "fr": "Aucun enregistrement dans cette sélection.",
        "en": "No record in this selection.",
    },
    "explorer.summary": {
        "fr": "Sélection\u00a0: {persons} personnes, {records} enregistrements.",
        "en": "Selection: {persons} persons, {records} records.",
    },
    "explorer.small": {"fr": "moins de {k}", "en": "fewer than {k}"},
    "explorer.no_chart": {
        "fr": "Pas de graphique pour cette sélection\u00a0: {reason}",
        "en": "No chart for this selection: {reason}",
    },
    "explorer.why.no_dates": {
        "fr": "le fichier ne donne aucune date de prélèvement exploitable.",
        "en": "the file gives no usable sample date.",
    },
    "explorer.why.no_data": {
        "fr": "le fichier ne contient pas les données qu'il faut pour le dessiner.",
        "en": "the file does not hold the data it needs.",
    },
    # --- the notebooks, when a cell cannot run on the file analysed (French only) ---------------
    "notebook.no_chart": {
        "fr": (
            "Pas de graphique ici\u00a0: ce fichier ne contient pas les données qu'il faut pour le "
            "dessiner ({reason})."
        ),
    },
    "notebook.not_published": {"fr": "Rien n'a été publié à partir de ce fichier\u00a0: {reason}."},
    "compare.widget.files": {"fr": "Copies"},
    "compare.widget.run": {"fr": "Comparer"},
    "compare.widget.two": {"fr": "Choisissez au moins deux copies à comparer."},
    "notebook.not_compared": {"fr": "Les copies n'ont pas pu être comparées\u00a0: {reason}."},
    "notebook.not_exported": {"fr": "Rien n'a été exporté\u00a0: {reason}."},
    "notebook.no_note": {"fr": "Pas de note de méthodologie\u00a0: aucun dossier n'a été publié."},
    "notebook.no_lab_located": {
        "fr": (
            "Aucun laboratoire du fichier n'a pu être situé (pas de registre des laboratoires, ou "
            "aucun de ses laboratoires n'y figure)\u00a0: la carte montre les résidences seules."
        ),
    },
    # --- the verification report (French only) --------------------------------------------------
    "verify.gaps_heading": {"fr": "Valeurs manquantes ou illisibles"},
    "verify.gaps.rows_without_lab": {"fr": "lignes sans laboratoire\u00a0: {n}"},
    "verify.gaps.rows_without_sample_date": {
        "fr": "lignes sans date de prélèvement exploitable\u00a0: {n}",
    },
    "verify.gaps.rows_without_sex": {"fr": "lignes sans sexe reconnu (colonne du sexe)\u00a0: {n}"},
    "verify.gaps.rows_without_residence": {
        "fr": "lignes sans code postal de résidence exploitable\u00a0: {n}",
    },
    "verify.gaps_not_found": {"fr": "colonnes introuvables\u00a0: {categories}"},
    # The report's blocks (toolkit.raw.verify.text): counts only, a category key before each title.
    "verify.report.rows": {"fr": "Lignes\u00a0: {n}"},
    "verify.report.persons": {
        "fr": "Personnes distinctes\u00a0: {persons} (lignes en double\u00a0: {duplicates})",
    },
    "verify.report.nir.title": {"fr": "N° de sécurité sociale"},
    "verify.report.nir.keys": {
        "fr": "présents {filled}, clé valide {valid_key}, format faux {bad_format}, clé fausse "
        "{bad_key}",
    },
    "verify.report.nir.consistency": {
        "fr": "sexe concordant {sex} / {sex_checked}, naissance concordante {birth} / "
        "{birth_checked}, département plausible {departement}",
    },
    "verify.report.nir.distinct": {
        "fr": "NIR distincts {distinct}, lignes partageant un NIR {sharing}",
    },
    "verify.report.sex.title": {"fr": "Sexe"},
    "verify.report.sex.counts": {
        "fr": "femmes {female}, hommes {male}, non reconnus {unrecognised}",
    },
    "verify.report.birth_date.title": {"fr": "Date de naissance"},
    "verify.report.birth_date.counts": {
        "fr": "remplies {filled}, lues {parsed}, illisibles {unparsed}, hors plage "
        "{out_of_range}, années {first}-{last}",
    },
    "verify.report.sample_date.title": {"fr": "Date de prélèvement"},
    "verify.report.sample_date.counts": {
        "fr": "remplies {filled}, lues {parsed}, illisibles {unparsed}, hors plage "
        "{out_of_range}, de {first} à {last}",
    },
    "verify.report.sample_date.by_year": {"fr": "par année\u00a0: {years}"},
    "verify.report.postcode.title": {"fr": "Code postal de résidence"},
    "verify.report.postcode.checked": {
        "fr": "remplis {filled}, bien formés {well_formed}, existants {exist}, commune "
        "cohérente {consistent} / {checked}",
    },
    "verify.report.postcode.unchecked": {
        "fr": "remplis {filled}, bien formés {well_formed} (référentiel absent\u00a0: existence "
        "non vérifiée)",
    },
    "verify.report.phone.title": {"fr": "Téléphones (toutes colonnes)"},
    "verify.report.phone.counts": {
        "fr": "fixes {landline}, mobiles {mobile}, spéciaux {special}, invalides {invalid}, "
        "dont tranches fiction {fiction}",
    },
    "verify.report.email.title": {"fr": "Adresses e-mail"},
    "verify.report.email.counts": {
        "fr": "remplies {filled}, valides {valid}, domaines réservés {reserved}, non "
        "distribuables {undeliverable}, distinctes {distinct}",
    },
    "verify.report.doctor.title": {"fr": "Médecins"},
    "verify.report.doctor.counts": {
        "fr": "cellules remplies {filled}, e-mails distincts {emails}",
    },
    "verify.report.blood_group.title": {"fr": "Groupe sanguin"},
    "verify.report.blood_group.counts": {"fr": "remplis {filled}, valides {valid}"},
    "verify.report.comment.title": {"fr": "Commentaires libres"},
    "verify.report.comment.counts": {
        "fr": "lignes avec texte {rows}, «\u00a0enfant\u00a0» {enfant}, «\u00a0bébé\u00a0» {bebe}",
    },
    "verify.report.lab.title": {"fr": "Laboratoires"},
    "verify.report.lab.counts": {"fr": "distincts {distinct}"},
    "verify.report.others_heading": {"fr": "Autres catégories (cellules remplies)"},
    "verify.report.indicators_heading": {"fr": "Indices d'authenticité"},
    "verify.report.claims_heading": {"fr": "Affirmations publiées"},
    "verify.report.claim": {"fr": "{verdict} {claim} ({source})\u00a0; mesuré\u00a0: {measured}"},
    # Printed on stderr while a verification counts (``verify(..., progress=True)``).
    "verify.progress": {"fr": "vérification\u00a0: calcul des comptes…"},
    # The authenticity indicators (toolkit.raw.verify.report), ``{p}`` a share in percent.
    "verify.indicator.nir_valid_key": {
        "fr": (
            "{p}\u202f% des NIR présents ont une clé de contrôle valide\u00a0; un numéro à 15 "
            "chiffres inventé au hasard n'en aurait une qu'une fois sur 97 (environ 1\u202f%)."
        ),
        "en": (
            "{p} % of the NIRs present have a valid check key; a random 15-digit number would "
            "have one only once in 97 (about 1 %)."
        ),
    },
    "verify.indicator.nir_consistent": {
        "fr": (
            "{p}\u202f% des NIR valides concordent avec le sexe et la date de naissance de la "
            "même ligne\u00a0: un faussaire devrait reconstruire chaque numéro à partir de "
            "l'identité."
        ),
        "en": (
            "{p} % of valid NIRs agree with the sex and birth date on the same row: a forger "
            "would have to rebuild every number from the identity."
        ),
    },
    "verify.indicator.postcode_exists": {
        "fr": (
            "{p}\u202f% des codes postaux existent dans le référentiel officiel (La Poste / "
            "INSEE)."
        ),
        "en": "{p} % of the postcodes exist in the official reference.",
    },
    "verify.indicator.postcode_commune": {
        "fr": (
            "{p}\u202f% des couples code postal / commune sont cohérents (accents et casse "
            "ignorés)."
        ),
        "en": "{p} % of postcode / town pairs are consistent (accents and case ignored).",
    },
    "verify.indicator.phones_valid": {
        "fr": "{p}\u202f% des numéros de téléphone suivent le plan de numérotation français.",
        "en": "{p} % of phone numbers follow the French numbering plan.",
    },
    "verify.indicator.phones_fiction": {
        "fr": (
            "{p}\u202f% des numéros sont dans les tranches réservées à la fiction par l'Arcep (un "
            "fichier réel n'en contient presque pas\u00a0; un fichier synthétique, beaucoup)."
        ),
        "en": (
            "{p} % of numbers lie in the blocks reserved for fiction (a real file has almost "
            "none; a synthetic one, many)."
        ),
    },
    "verify.indicator.email_reserved": {
        "fr": (
            "{p}\u202f% des e-mails sont sous des domaines réservés (.example, .test)\u00a0: signe "
            "d'un fichier fabriqué."
        ),
        "en": "{p} % of emails use reserved domains (.example, .test): a sign of a made-up file.",
    },
    # --- the inspection report (toolkit.raw.schema.inspect_text, French only) ------------------
    "inspect.fact": {"fr": "{label}\u00a0: {value}"},
    "inspect.label.file": {"fr": "Fichier"},
    "inspect.label.encoding": {"fr": "Encodage"},
    "inspect.label.rows_read": {"fr": "Lignes lues"},
    "inspect.label.quarantined": {"fr": "Écartées"},
    "inspect.label.columns": {"fr": "Colonnes"},
    "inspect.delimiter": {"fr": "séparateur\u00a0: {delimiter}"},
    "inspect.header.column": {"fr": "colonne"},
    "inspect.header.category": {"fr": "catégorie"},
    "inspect.header.confidence": {"fr": "confiance"},
    "inspect.header.label": {"fr": "libellé"},
    # --- the verification's conclusion (toolkit.raw.verify.conclusion), in both languages -----
    "verify.conclusion_heading": {"fr": "Conclusion sur l'authenticité\u00a0:"},
    "verify.conclusion.genuine": {
        "fr": "Ce qui plaide pour un fichier authentique\u00a0: {evidence}.",
        "en": "What points to a genuine file: {evidence}.",
    },
    "verify.conclusion.genuine_none": {
        "fr": "Aucun indice mesuré ne plaide pour un fichier authentique.",
        "en": "No indicator measured points to a genuine file.",
    },
    "verify.conclusion.fabricated": {
        "fr": "Ce qui plaide pour une fabrication\u00a0: {evidence}.",
        "en": "What points to fabrication: {evidence}.",
    },
    "verify.conclusion.fabricated_none": {
        "fr": "Aucun signe de fabrication n'a été trouvé parmi les tests menés.",
        "en": "No sign of fabrication was found among the tests run.",
    },
    "verify.conclusion.tests_clear": {
        "fr": ("{n} test de fabrication sans signe suspect",
               "{n} tests de fabrication sans signe suspect"),
        "en": ("{n} fabrication test without a suspicious sign",
               "{n} fabrication tests without a suspicious sign"),
    },
    "verify.conclusion.quoted": {"fr": "«\u00a0{name}\u00a0»", "en": "\u201c{name}\u201d"},
    "verify.conclusion.tests_flagged": {
        "fr": ("un signe au test {tests}", "des signes aux tests {tests}"),
        "en": ("a sign in the test {tests}", "signs in the tests {tests}"),
    },
    "verify.conclusion.indicator.nir_valid_key": {
        "fr": "{p} des NIR avec une clé de contrôle valide",
        "en": "{p} of NIRs with a valid check key",
    },
    "verify.conclusion.indicator.nir_consistent": {
        "fr": "{p} des NIR valides concordant avec le sexe et la date de naissance",
        "en": "{p} of valid NIRs agreeing with the sex and birth date",
    },
    "verify.conclusion.indicator.postcode_exists": {
        "fr": "{p} des codes postaux existants",
        "en": "{p} of postcodes that exist",
    },
    "verify.conclusion.indicator.postcode_commune": {
        "fr": "{p} des couples code postal / commune cohérents",
        "en": "{p} of postcode / town pairs consistent",
    },
    "verify.conclusion.indicator.phones_valid": {
        "fr": "{p} des numéros de téléphone conformes au plan de numérotation",
        "en": "{p} of phone numbers following the numbering plan",
    },
    "verify.conclusion.indicator.phones_fiction": {
        "fr": "{p} des numéros de téléphone dans les tranches réservées à la fiction",
        "en": "{p} of phone numbers in the blocks reserved for fiction",
    },
    "verify.conclusion.indicator.email_reserved": {
        "fr": "{p} des e-mails sous des domaines réservés (.example, .test)",
        "en": "{p} of e-mails under reserved domains (.example, .test)",
    },
    "verify.conclusion.verdict.fabricated": {
        "fr": (
            "Verdict\u00a0: ce fichier a les traits d'un fichier fabriqué\u00a0; il ne peut pas "
            "être "
            "présenté comme une fuite authentique."
        ),
        "en": (
            "Verdict: this file has the features of a fabricated file; it cannot be presented "
            "as a genuine leak."
        ),
    },
    "verify.conclusion.verdict.doubtful": {
        "fr": (
            "Verdict\u00a0: un signe de fabrication isolé jette un doute sur le fichier\u00a0; il "
            "faut le "
            "lever (auprès de la source, d'un laboratoire ou de personnes concernées) avant de "
            "présenter le fichier comme authentique."
        ),
        "en": (
            "Verdict: a single sign of fabrication casts doubt on the file; it must be cleared "
            "(with the source, a lab or people concerned) before the file is presented as "
            "genuine."
        ),
    },
    "verify.conclusion.verdict.consistent": {
        "fr": (
            "Verdict\u00a0: rien, dans les tests menés, ne distingue ce fichier d'un vrai fichier "
            "de "
            "laboratoire."
        ),
        "en": "Verdict: nothing in the tests run tells this file apart from a real lab file.",
    },
    "verify.conclusion.verdict.undetermined": {
        "fr": (
            "Verdict\u00a0: ces tests ne permettent pas de conclure (colonnes absentes ou trop peu "
            "de "
            "lignes)."
        ),
        "en": "Verdict: these tests cannot conclude (columns missing or too few rows).",
    },
    "verify.conclusion.limit": {
        "fr": (
            "Ces tests portent sur la forme du fichier\u00a0: seule une confirmation extérieure "
            "(un "
            "laboratoire, des personnes concernées) établit qu'une fuite est authentique."
        ),
        "en": (
            "These tests bear on the file's form: only an outside confirmation (a lab, people "
            "concerned) establishes that a leak is genuine."
        ),
    },
    # --- signs of fabrication (toolkit.raw.verify.authenticity), in both languages -------------
    "fabrication.heading": {"fr": "Signes de fabrication", "en": "Signs of fabrication"},
    "fabrication.column.test": {"fr": "test", "en": "test"},
    "fabrication.column.value": {"fr": "valeur", "en": "value"},
    "fabrication.column.threshold": {"fr": "seuil", "en": "threshold"},
    "fabrication.column.rows": {"fr": "lignes", "en": "rows"},
    "fabrication.column.result": {"fr": "résultat", "en": "result"},
    "fabrication.column.can": {"fr": "ce qu'il peut montrer", "en": "what it can show"},
    "fabrication.column.cannot": {
        "fr": "ce qu'il ne peut pas montrer", "en": "what it cannot show",
    },
    "fabrication.reading": {
        "fr": (
            "{name}\u00a0: {value} sur {rows} lignes (seuil {threshold})\u00a0: {status}. "
            "{meaning}"
        ),
        "en": "{name}: {value} over {rows} rows (threshold {threshold}): {status}. {meaning}",
    },
    "fabrication.not_measured": {
        "fr": "{name}\u00a0: non mesuré ({rows} lignes utilisables, il en faut {minimum}).",
        "en": "{name}: not measured ({rows} usable rows, {minimum} needed).",
    },
    "fabrication.flagged": {"fr": "signe de fabrication", "en": "sign of fabrication"},
    "fabrication.clear": {"fr": "rien à signaler", "en": "nothing to report"},
    "fabrication.verdict_found": {
        "fr": (
            "Signe de fabrication trouvé par {n} test sur {m}\u00a0: {tests}. Un fichier "
            "authentique "
            "le présente rarement\u00a0; il ne prouve pas à lui seul que le fichier est faux.",
            "Signes de fabrication trouvés par {n} tests sur {m}\u00a0: {tests}. Un fichier "
            "authentique les présente rarement\u00a0; ils ne prouvent pas à eux seuls que le "
            "fichier "
            "est faux.",
        ),
        "en": (
            "A sign of fabrication found by {n} test of {m}: {tests}. A genuine file rarely "
            "shows it; it does not by itself prove the file is fake.",
            "Signs of fabrication found by {n} tests of {m}: {tests}. A genuine file rarely "
            "shows them; they do not by themselves prove the file is fake.",
        ),
    },
    "fabrication.verdict_none": {
        "fr": (
            "Aucun signe de fabrication dans le test que la boîte à outils a pu mener ({m}). "
            "Cela ne prouve pas que le fichier est authentique\u00a0: un faussaire qui connaît "
            "cette "
            "règle peut la respecter.",
            "Aucun signe de fabrication parmi les {m} tests que la boîte à outils a pu mener. "
            "Cela ne prouve pas que le fichier est authentique\u00a0: un faussaire qui connaît ces "
            "règles peut les respecter.",
        ),
        "en": (
            "No sign of fabrication in the one test the toolkit could run. This does not prove "
            "the file genuine: a forger who knows this rule can follow it.",
            "No sign of fabrication among the {m} tests the toolkit could run. This does not "
            "prove the file genuine: a forger who knows these rules can follow them.",
        ),
    },
    "fabrication.verdict_untested": {
        "fr": (
            "Aucun test de fabrication n'a pu être mené\u00a0: colonnes absentes ou trop peu de "
            "lignes. Rien ne peut être dit de l'authenticité du fichier par ces tests."
        ),
        "en": (
            "No fabrication test could be run: columns missing or too few rows. These tests "
            "say nothing about whether the file is genuine."
        ),
    },
    "fabrication.first_name_era.name": {
        "fr": "prénoms hors de leur époque", "en": "first names out of their era",
    },
    "fabrication.first_name_era.meaning": {
        "fr": (
            "Part des personnes dont le prénom, courant à une époque (500 naissances ou plus en "
            "une décennie selon l'Insee), a été donné moins de 100 fois dans leur décennie de "
            "naissance, rapportée à la part qu'on trouverait en associant au hasard les mêmes "
            "prénoms aux mêmes années de naissance\u00a0; de vrais prénoms suivent leur époque "
            "(moins de 0,2 attendu), des prénoms tirés sans tenir compte de l'année donnent "
            "environ 1."
        ),
        "en": (
            "Share of persons whose first name, common in some decade (500 births or more in a "
            "decade according to INSEE), was given fewer than 100 times in their birth decade, "
            "over the share that the same names paired at random with the same birth years "
            "would give; real names follow their era (under 0.2 expected), names drawn "
            "regardless of the birth year give about 1."
        ),
    },
    "fabrication.first_name_era.can": {
        "fr": "Repérer des prénoms tirés d'une liste sans tenir compte de l'année de naissance.",
        "en": "Spot first names drawn from a list regardless of the birth year.",
    },
    "fabrication.first_name_era.cannot": {
        "fr": (
            "Rien dire d'un faussaire qui tire les prénoms selon l'année (le fichier de l'Insee "
            "est public), ni des prénoms absents de ce fichier (rares, étrangers, mal saisis), "
            "qui ne comptent pas."
        ),
        "en": (
            "Say anything about a forger who draws names by year (INSEE's file is public), nor "
            "about names missing from that file (rare, foreign, mistyped), which do not count."
        ),
    },
    "fabrication.first_name_sex.name": {
        "fr": "prénoms de l'autre sexe", "en": "first names of the other sex",
    },
    "fabrication.first_name_sex.meaning": {
        "fr": (
            "Part des personnes dont le prénom n'est connu de l'Insee que pour l'autre sexe\u00a0; "
            "un vrai fichier en compte très peu (erreurs de saisie), des prénoms et des sexes "
            "tirés séparément, près de la moitié."
        ),
        "en": (
            "Share of persons whose first name INSEE knows only for the other sex; a real file "
            "has very few (typing errors), names and sexes drawn separately, nearly half."
        ),
    },
    "fabrication.first_name_sex.can": {
        "fr": "Repérer un sexe tiré au hasard, indépendamment du prénom.",
        "en": "Spot a sex drawn at random, regardless of the first name.",
    },
    "fabrication.first_name_sex.cannot": {
        "fr": "Rien dire d'un faussaire qui tire le prénom selon le sexe, comme le fait Faker.",
        "en": "Say anything about a forger who draws the name by sex, as Faker does.",
    },
    "fabrication.closed_days.name": {
        "fr": "prélèvements les jours de fermeture", "en": "samples on closed days",
    },
    "fabrication.closed_days.meaning": {
        "fr": (
            "Nombre de prélèvements par dimanche ou jour férié rapporté à celui d'un jour "
            "ouvré (samedis à part)\u00a0; les laboratoires de ville ferment ces jours-là (moins "
            "de "
            "0,1 attendu), des dates tirées au hasard donnent environ 1."
        ),
        "en": (
            "Samples per Sunday or public holiday over samples per working day (Saturdays left "
            "out); city labs close on those days (under 0.1 expected), dates drawn at random "
            "give about 1."
        ),
    },
    "fabrication.closed_days.can": {
        "fr": "Repérer des dates de prélèvement tirées au hasard dans le calendrier.",
        "en": "Spot sample dates drawn at random from the calendar.",
    },
    "fabrication.closed_days.cannot": {
        "fr": (
            "Juger un laboratoire d'hôpital ou de garde, ouvert tous les jours, ni un faussaire "
            "qui évite les dimanches et les jours fériés."
        ),
        "en": (
            "Judge a hospital or on-call lab, open every day, nor a forger who avoids Sundays "
            "and public holidays."
        ),
    },
    "fabrication.birth_departement.name": {
        "fr": "naissance dans le département de résidence",
        "en": "born in the département of residence",
    },
    "fabrication.birth_departement.meaning": {
        "fr": (
            "Part des NIR valides nés en métropole dont le département de naissance est celui "
            "de résidence\u00a0; les Français vivent souvent près de leur lieu de naissance (de 30 "
            "à "
            "70\u202f% selon le département), un NIR au lieu tiré au hasard donne environ 1\u202f%."
        ),
        "en": (
            "Share of valid NIRs born in metropolitan France whose birth département is the "
            "département of residence; people often live near where they were born (30 to "
            "70\u202f% "
            "depending on the département), a NIR with a random place gives about 1\u202f%."
        ),
    },
    "fabrication.birth_departement.can": {
        "fr": "Repérer des NIR fabriqués avec un lieu de naissance tiré au hasard.",
        "en": "Spot NIRs made up with a birth place drawn at random.",
    },
    "fabrication.birth_departement.cannot": {
        "fr": (
            "Démasquer un faussaire qui reprend le département de résidence (la commune de "
            "naissance est vérifiée par un autre test)."
        ),
        "en": (
            "Unmask a forger who copies the département of residence (the birth commune is "
            "checked by another test)."
        ),
    },
    "fabrication.landline_zone.name": {
        "fr": "zone des téléphones fixes", "en": "landline zones",
    },
    "fabrication.landline_zone.meaning": {
        "fr": (
            "Part des numéros fixes (01 à 05) dont la zone est celle de la région de "
            "résidence\u00a0; un vrai fichier de l'Ouest a presque tous ses fixes en 02, des "
            "numéros "
            "tirés au hasard n'en ont qu'un sur cinq dans la bonne zone."
        ),
        "en": (
            "Share of landlines (01 to 05) whose zone is that of the region of residence; a real "
            "file from western France has almost all its landlines in 02, random numbers only "
            "one in five in the right zone."
        ),
    },
    "fabrication.landline_zone.can": {
        "fr": "Repérer des numéros fixes tirés sans tenir compte de l'adresse.",
        "en": "Spot landlines drawn regardless of the address.",
    },
    "fabrication.landline_zone.cannot": {
        "fr": (
            "Rien dire des mobiles et des numéros en 09 (box), qui ne dépendent pas du lieu, ni "
            "d'un faussaire qui choisit la zone selon l'adresse."
        ),
        "en": (
            "Say anything about mobiles and 09 (internet box) numbers, which do not depend on "
            "the place, nor about a forger who picks the zone from the address."
        ),
    },
    "fabrication.sample_before_birth.name": {
        "fr": "prélèvements avant la naissance", "en": "samples before birth",
    },
    "fabrication.sample_before_birth.meaning": {
        "fr": (
            "Part des lignes datées dont le prélèvement précède la naissance\u00a0; un vrai "
            "fichier "
            "n'en a que par erreur de saisie, des dates de naissance et de prélèvement tirées "
            "séparément en donnent plusieurs pour cent."
        ),
        "en": (
            "Share of dated rows sampled before the birth date; a real file has them only by "
            "typing error, birth and sample dates drawn separately give several per cent."
        ),
    },
    "fabrication.sample_before_birth.can": {
        "fr": "Repérer des dates de naissance et de prélèvement tirées indépendamment.",
        "en": "Spot birth and sample dates drawn independently.",
    },
    "fabrication.sample_before_birth.cannot": {
        "fr": "Rien dire d'un faussaire qui tire la naissance avant le prélèvement.",
        "en": "Say anything about a forger who draws the birth before the sample.",
    },
    "fabrication.birth_commune.name": {
        "fr": "communes de naissance connues", "en": "known birth communes",
    },
    "fabrication.birth_commune.meaning": {
        "fr": (
            "Part des NIR valides nés en métropole dont le code de naissance (département et "
            "commune) est celui d'une commune, actuelle ou ancienne\u00a0; un vrai NIR en porte "
            "presque toujours un, un numéro de commune tiré au hasard une fois sur deux environ."
        ),
        "en": (
            "Share of valid NIRs born in metropolitan France whose birth code (département and "
            "commune) is a commune's, current or former; a real NIR almost always carries one, "
            "a commune number drawn at random about one time in two."
        ),
    },
    "fabrication.birth_commune.can": {
        "fr": "Repérer des NIR dont le numéro de commune de naissance est inventé.",
        "en": "Spot NIRs whose birth commune number is made up.",
    },
    "fabrication.birth_commune.cannot": {
        "fr": (
            "Reconnaître les codes disparus avant les fusions récentes (communes supprimées "
            "avant 1943, anciennes Seine et Seine-et-Oise), qui comptent comme inconnus, ni "
            "démasquer un faussaire qui prend de vraies communes."
        ),
        "en": (
            "Recognise codes gone before recent mergers (communes removed before 1943, the "
            "former Seine and Seine-et-Oise), which count as unknown, nor unmask a forger who "
            "takes real communes."
        ),
    },
    "fabrication.born_abroad.name": {
        "fr": "nés à l'étranger", "en": "born abroad",
    },
    "fabrication.born_abroad.meaning": {
        "fr": (
            "Part des NIR valides nés à l'étranger (code 99)\u00a0; de quelques pour cent dans "
            "l'Ouest "
            "à plus de 20\u202f% en Île-de-France, aucun quand un faussaire ne tire que des lieux "
            "français."
        ),
        "en": (
            "Share of valid NIRs born abroad (code 99); a few per cent in western France to over "
            "20\u202f% in Île-de-France, none when a forger draws French places only."
        ),
    },
    "fabrication.born_abroad.can": {
        "fr": "Repérer des NIR tous nés en France, ou une part d'étrangers invraisemblable.",
        "en": "Spot NIRs all born in France, or an implausible share born abroad.",
    },
    "fabrication.born_abroad.cannot": {
        "fr": (
            "Juger une zone inhabituelle (un centre pour demandeurs d'asile), ni un faussaire "
            "qui ajoute quelques naissances à l'étranger."
        ),
        "en": (
            "Judge an unusual area (a centre for asylum seekers), nor a forger who adds a few "
            "births abroad."
        ),
    },
    "fabrication.mobile_by_age.name": {
        "fr": "mobiles selon l'âge", "en": "mobiles by age",
    },
    "fabrication.mobile_by_age.meaning": {
        "fr": (
            "Part des lignes de personnes de 75 ans ou plus qui portent un mobile, rapportée à "
            "celle des 18-59 ans\u00a0; les plus âgés en ont et en donnent moins souvent (rapport "
            "nettement inférieur à 1), des numéros tirés sans l'âge donnent 1."
        ),
        "en": (
            "Share of rows of persons aged 75 or more with a mobile, over that of those aged 18 "
            "to 59; older people have and give one less often (a ratio well under 1), numbers "
            "drawn regardless of age give 1."
        ),
    },
    "fabrication.mobile_by_age.can": {
        "fr": "Repérer des téléphones attribués sans tenir compte de l'âge.",
        "en": "Spot phones assigned regardless of age.",
    },
    "fabrication.mobile_by_age.cannot": {
        "fr": (
            "Juger un fichier récent où presque tout le monde a un mobile, ni un faussaire qui "
            "en donne moins aux plus âgés."
        ),
        "en": (
            "Judge a recent file in which almost everyone has a mobile, nor a forger who gives "
            "fewer to the elderly."
        ),
    },
    "fabrication.lab_catchment.name": {
        "fr": "patientèle autour des laboratoires", "en": "patients around their labs",
    },
    "fabrication.lab_catchment.meaning": {
        "fr": (
            "Part des personnes qui habitent le département principal de leur laboratoire, "
            "rapportée à ce qu'elle serait si laboratoires et adresses étaient indépendants\u00a0; "
            "un laboratoire soigne ses voisins (rapport bien supérieur à 1), des adresses tirées "
            "sans le laboratoire donnent 1."
        ),
        "en": (
            "Share of persons living in their lab's main département, over what it would be if "
            "labs and addresses were independent; a lab serves its neighbours (a ratio well "
            "above 1), addresses drawn regardless of the lab give 1."
        ),
    },
    "fabrication.lab_catchment.can": {
        "fr": "Repérer des adresses attribuées sans lien avec le laboratoire.",
        "en": "Spot addresses assigned with no link to the lab.",
    },
    "fabrication.lab_catchment.cannot": {
        "fr": (
            "Rien dire d'un fichier dont presque tous les patients vivent dans un seul "
            "département (non mesuré), ni d'un faussaire qui place chacun près de son "
            "laboratoire."
        ),
        "en": (
            "Say anything about a file whose patients nearly all live in one département (not "
            "measured), nor about a forger who places each near their lab."
        ),
    },
    "fabrication.context_heading": {
        "fr": "Structure du fichier (décrite, non pesée dans le verdict)",
        "en": "Structure of the file (described, not weighed in the verdict)",
    },
    "fabrication.repeat_visits.reading": {
        "fr": (
            "Lignes par personne\u00a0: {ratio}. La base d'un laboratoire garde plusieurs "
            "prélèvements par patient\u00a0; un export d'une ligne par patient (comme le fichier "
            "de "
            "2021) en a environ une\u00a0: l'un et l'autre peuvent être authentiques."
        ),
        "en": (
            "Rows per person: {ratio}. A lab's database keeps several samples per patient; an "
            "export of one row per patient (as the 2021 file) holds about one: either can be "
            "genuine."
        ),
    },
    "fabrication.lab_windows.reading": {
        "fr": (
            "{n}\u00a0laboratoire sur {labs} a une période propre (premier ou dernier mois à "
            "3 mois ou plus de ceux du fichier). " + _WINDOWS_FR,
            "{n}\u00a0laboratoires sur {labs} ont une période propre (premier ou dernier mois "
            "à 3 mois ou plus de ceux du fichier). " + _WINDOWS_FR,
        ),
        "en": (
            "{n} lab of {labs} has a period of its own (first or last month 3 months or more "
            "from the file's). " + _WINDOWS_EN,
            "{n} labs of {labs} have a period of their own (first or last month 3 months or "
            "more from the file's). " + _WINDOWS_EN,
        ),
    },
    "fabrication.age_by_lab.reading": {
        "fr": (
            "Âge médian au prélèvement de {low} à {high} ans selon le laboratoire ({labs} "
            "laboratoires). Un laboratoire qui sert une maternité ou un EHPAD se distingue\u00a0; "
            "des "
            "âges tirés sans le laboratoire donnent partout le même, mais des laboratoires aux "
            "patientèles semblables aussi."
        ),
        "en": (
            "Median age at the sample from {low} to {high} depending on the lab ({labs} labs). A "
            "lab serving a maternity ward or a nursing home stands out; ages drawn regardless of "
            "the lab give the same everywhere, but so do labs with alike patients."
        ),
    },
    # --- comparing copies of a leak (verdicts in both languages, the report in French) ---------
    "compare.records": {
        "fr": ("{n}\u00a0enregistrement", "{n}\u00a0enregistrements"),
        "en": ("{n} record", "{n} records"),
    },
    "compare.persons": {
        "fr": ("{n}\u00a0personne", "{n}\u00a0personnes"),
        "en": ("{n} person", "{n} people"),
    },
    "compare.labs": {
        "fr": ("{n}\u00a0laboratoire", "{n}\u00a0laboratoires"),
        "en": ("{n} laboratory", "{n} laboratories"),
    },
    "compare.other_column": {"fr": "colonne «\u00a0{header}\u00a0»", "en": "column “{header}”"},
    "compare.value_count": {"fr": "{value} ({n})", "en": "{value} ({n})"},
    "compare.pair.identical": {
        "fr": "{a} et {b} sont identiques octet pour octet.",
        "en": "{a} and {b} are byte-for-byte identical.",
    },
    "compare.pair.same_records": {
        "fr": (
            "{a} et {b} contiennent les mêmes enregistrements, à l'ordre des lignes, à l'encodage "
            "et à la mise en forme près."
        ),
        "en": (
            "{a} and {b} hold the same records, up to row order, encoding and formatting."
        ),
    },
    "compare.pair.same_set": {
        "fr": "{a} et {b} contiennent les mêmes enregistrements, mais pas les mêmes doublons.",
        "en": "{a} and {b} hold the same records, but not the same duplicates.",
    },
    "compare.pair.columns_differ": {
        "fr": (
            "Leurs colonnes diffèrent ({only_a} seulement dans {a}, {only_b} seulement dans "
            "{b})\u00a0: les enregistrements sont comparés sur les colonnes que toutes les copies "
            "ont."
        ),
        "en": (
            "Their columns differ ({only_a} only in {a}, {only_b} only in {b}): records are "
            "compared on the columns every copy has."
        ),
    },
    "compare.pair.disjoint": {
        "fr": "{a} et {b} n'ont aucun enregistrement en commun.",
        "en": "{a} and {b} have no record in common.",
    },
    "compare.pair.extract": {
        "fr": (
            "{b} est un extrait de {a}\u00a0: {share} de ses enregistrements s'y trouvent "
            "({records} et {persons} en moins)."
        ),
        "en": (
            "{b} is an extract of {a}: {share} of its records are in it ({records} and "
            "{persons} fewer)."
        ),
    },
    "compare.pair.adds": {
        "fr": "{b} contient tout {a} et ajoute {persons} ({records}) de {labs}.",
        "en": "{b} holds all of {a} and adds {persons} ({records}) from {labs}.",
    },
    "compare.pair.overlap": {
        "fr": (
            "{a} et {b} ont {both} en commun\u00a0; {only_a} ne sont que dans {a}, {only_b} que "
            "dans {b}."
        ),
        "en": "{a} and {b} share {both}; {only_a} are only in {a}, {only_b} only in {b}.",
    },
    "compare.pair.changed_records": {
        "fr": "{records} du même prélèvement de la même personne diffèrent.",
        "en": "{records} of the same sample of the same person differ.",
    },
    "compare.pair.changed_values": {
        "fr": "Valeurs modifiées, seules sur leur enregistrement\u00a0: {values}.",
        "en": "Values changed, alone on their record: {values}.",
    },
    "compare.all.identical": {
        "fr": "Les {n}\u00a0copies sont identiques octet pour octet.",
        "en": "The {n} copies are byte-for-byte identical.",
    },
    "compare.all.same_records": {
        "fr": (
            "Les {n}\u00a0copies contiennent les mêmes enregistrements, à l'ordre des lignes, à "
            "l'encodage et à la mise en forme près."
        ),
        "en": "The {n} copies hold the same records, up to row order, encoding and formatting.",
    },
    "compare.all.summary": {
        "fr": (
            "{n}\u00a0copies\u00a0: {records} et {persons} distincts en tout\u00a0; {common} "
            "({share}) se trouvent dans toutes."
        ),
        "en": (
            "{n} copies: {records} and {persons} in all; {common} ({share}) are in every copy."
        ),
    },
    "compare.all.complete": {
        "fr": (
            "{copies} contient tous les enregistrements des autres copies.",
            "{copies} contiennent chacune tous les enregistrements des autres copies.",
        ),
        "en": (
            "{copies} holds every record of the other copies.",
            "{copies} each hold every record of the other copies.",
        ),
    },
    "compare.all.columns_differ": {
        "fr": (
            "Les colonnes diffèrent d'une copie à l'autre\u00a0: les enregistrements sont comparés "
            "sur les colonnes que toutes les copies ont."
        ),
        "en": (
            "The columns differ between copies: records are compared on the columns every copy "
            "has."
        ),
    },
    "compare.report.copy": {"fr": "Copie {label}\u00a0: {name}"},
    "compare.report.file": {
        "fr": (
            "  sha256 {sha256}, {size}\u00a0octets, encodage {encoding}, séparateur "
            "«\u00a0{delimiter}\u00a0»"
        ),
    },
    "compare.report.rows": {
        "fr": (
            "  lignes lues {rows_read}, écartées {rows_quarantined}\u00a0; enregistrements "
            "distincts {records}, doublons {duplicates}, personnes {persons}"
        ),
    },
    "compare.report.columns": {"fr": "  colonnes ({n})\u00a0: {columns}"},
    "compare.report.pair": {"fr": "{a} / {b}"},
    "compare.report.pair_verdict": {"fr": "{pair}\u00a0: {verdict}"},
    "compare.report.records": {
        "fr": "  enregistrements\u00a0: {only_a} seulement dans {a}, {only_b} seulement dans {b}, "
              "{both} dans les deux",
    },
    "compare.report.persons": {
        "fr": "  personnes\u00a0: {only_a} seulement dans {a}, {only_b} seulement dans {b}, "
              "{both} dans les deux",
    },
    "compare.report.changed": {
        "fr": "  enregistrements modifiés (même personne, même prélèvement)\u00a0: {n}",
    },
    "compare.report.columns_only": {"fr": "  colonnes seulement dans {label}\u00a0: {columns}"},
    "compare.report.recategorised": {"fr": "  colonnes changées de catégorie\u00a0: {columns}"},
    "compare.report.verdict": {"fr": "  {verdict}"},
    "compare.report.all": {"fr": "Ensemble des copies"},
    "compare.report.overlap": {"fr": "  {copies}\u00a0: {records}, {persons}"},
    # --- the published CSV (French only) ---------------------------------------------------------
    "csv.header.month": {"fr": "Mois"},
    "csv.header.lab": {"fr": "Laboratoire"},
    "csv.header.first_sample": {"fr": "Premier prélèvement (mois)"},
    "csv.header.last_sample": {"fr": "Dernier prélèvement (mois)"},
    "csv.header.departement": {"fr": "Code du département"},
    "csv.header.departement_name": {"fr": "Département"},
    "csv.header.population": {"fr": "Population"},
    "csv.header.population_share": {"fr": "Part de la population (%)"},
    "csv.header.category": {"fr": "Donnée exposée"},
    "csv.header.year": {"fr": "Année"},
    "csv.header.share": {"fr": "Part des personnes (%)"},
    "csv.header.combination": {"fr": "Combinaison de données"},
    "csv.header.n_categories": {"fr": "Nombre de catégories"},
    "csv.header.rank": {"fr": "Rang"},
    "csv.header.mention": {"fr": "Mention relevée dans les commentaires"},
    "csv.header.age_band": {"fr": "Tranche d'âge"},
    "csv.header.sex": {"fr": "Sexe"},
    "csv.header.band": {"fr": "Distance domicile-laboratoire"},
    "csv.header.persons": {"fr": "Personnes"},
    "csv.flag": {"fr": "Secret statistique"},
    "csv.flag_yes": {"fr": "oui"},
    "csv.flag_no": {"fr": "non"},
    "csv.total": {"fr": "Total"},
    "csv.sex.F": {"fr": "Femmes"},
    "csv.sex.M": {"fr": "Hommes"},
    "csv.band.unknown": {"fr": "inconnue"},
    "csv.category.health_mention": {"fr": "Commentaire avec mention de santé"},
    "csv.category.none": {"fr": "Aucune"},
    # --- the figures of a bundle, as the note names them (French only) --------------------------
    "figure.timeline": {"fr": "les personnes par mois de prélèvement"},
    "figure.lab_windows": {"fr": "la période couverte par chaque laboratoire"},
    "figure.departements": {"fr": "les personnes par département de résidence"},
    "figure.categories": {"fr": "les données exposées"},
    "figure.category_year": {"fr": "les données exposées par année"},
    "figure.co_exposure": {"fr": "les combinaisons de données exposées"},
    "figure.health_mentions": {"fr": "les mentions de santé dans les commentaires"},
    "figure.pyramid": {"fr": "l'âge et le sexe des personnes"},
    "figure.distances": {"fr": "la distance entre domicile et laboratoire"},
    "figure.mentions_by_year": {"fr": "les mentions de santé par année"},
    "figure.mentions_by_lab": {"fr": "les mentions de santé par laboratoire"},
    # --- why a figure is left out of a bundle (English: the manifest's words) --------------------
    "bundle.left_out.no_labs": {
        "fr": "faute d'une liste des laboratoires avec leur adresse",
        "en": "no located lab (use --labs)",
    },
    "bundle.left_out.no_data": {
        "fr": "le fichier ne contient pas les données nécessaires",
        "en": "the file holds no data for it",
    },
    "bundle.left_out.joint": {
        "fr": "il aurait permis de retrouver des cases masquées des autres tableaux",
        "en": "it would give hidden cells of the other tables away",
    },
    "bundle.left_out.linked": {
        "fr": "une comparaison de copies de ce fichier (ou une copie comparée), publiée avec la "
              "même clé, compte déjà ces personnes par mois ou par laboratoire\u00a0: l'une moins "
              "l'autre pourrait redonner des cases masquées",
        "en": "a comparison of copies of this file (or a compared copy), published with the "
              "same key, already counts these persons by month or lab: one minus the other "
              "could give hidden cells back",
    },
    # --- the methodology note (French only); fields are filled from the bundle's figures ---------
    "note.title": {"fr": "## Méthodologie"},
    # The investigation (``toolkit.shared.case``): its title and its source line.
    "note.case": {"fr": "*{title}.* {source}."},
    "note.file_heading": {"fr": "**Le fichier.**"},
    "note.file": {
        "fr": (
            "Ces chiffres proviennent d'un fichier divulgué de {rows} lignes, qui décrit "
            "{persons} personnes distinctes, patientes de {labs} laboratoires de biologie "
            "médicale, prélevées entre {first_month} et {last_month}."
        ),
    },
    # The same sentence when the labs or the period are not known (no lab, no usable date).
    "note.file_start": {
        "fr": (
            "Les chiffres publiés ici proviennent d'un fichier de {rows} lignes ayant fuité, qui "
            "décrit {persons} personnes distinctes{labs}{period}."
        ),
    },
    "note.file_labs": {
        "fr": (
            ", patientes d'un laboratoire de biologie médicale",
            ", patientes de {labs} laboratoires de biologie médicale",
        ),
    },
    "note.file_period": {
        "fr": ", pour des prélèvements effectués entre {first_month} et {last_month}",
    },
    "note.no_lab": {"fr": "Aucune ligne du fichier n'indique de laboratoire reconnaissable."},
    "note.no_sample_date": {
        "fr": (
            "Aucune ligne du fichier n'a de date de prélèvement exploitable\u00a0: la période des "
            "prélèvements n'est pas connue."
        ),
    },
    "note.missing_lab": {
        "fr": (
            "Sur certaines lignes, le laboratoire manque ou n'est pas reconnaissable\u00a0: elles "
            "concernent {persons}, comptées à part (laboratoire inconnu)."
        ),
    },
    "note.missing_sample_date": {
        "fr": (
            "Sur certaines lignes, la date de prélèvement manque ou est illisible\u00a0: elles "
            "concernent {persons}, comptées à part (mois inconnu) dans la chronologie."
        ),
    },
    # A published count of persons, or what its hidden cell says of it.
    "note.persons": {"fr": ("{n} personne", "{n} personnes")},
    "note.persons_fewer": {"fr": "moins de {k} personnes"},
    "note.persons_secret": {"fr": "un nombre de personnes couvert par le secret statistique"},
    "note.quarantined_none": {"fr": "Toutes les lignes du fichier ont pu être lues."},
    "note.quarantined": {
        "fr": (
            "Une ligne illisible (mal découpée ou tronquée) a été écartée.",
            "{quarantined} lignes illisibles (mal découpées ou tronquées) ont été écartées.",
        ),
    },
    "note.fabrication": {
        "fr": (
            "Authenticité\u00a0: la boîte à outils a cherché dans le fichier brut des signes de "
            "fabrication (prénoms et années de naissance, jours de fermeture des laboratoires, "
            "lieux de naissance, zones des téléphones fixes, dates). {verdict}"
        ),
    },
    # Its own paragraph, right after the case: a note shared alone must not pass fiction off.
    "note.synthetic": {
        "fr": (
            "**Données fictives\u00a0:** ce fichier est synthétique. Il a été fabriqué pour la "
            "démonstration de l'outil et aucune des personnes qu'il décrit n'existe\u00a0; les "
            "chiffres ci-dessous ne disent rien d'une fuite réelle."
        ),
    },
    "note.counted_heading": {"fr": "**Ce qui a été compté.**"},
    "note.counted_persons": {
        "fr": (
            "Une personne n'est comptée qu'une fois, même lorsqu'elle apparaît sur plusieurs "
            "lignes\u00a0: les lignes sont rapprochées par le numéro de sécurité sociale quand il "
            "est "
            "valide, à défaut par le nom, le prénom et la date de naissance. Ce rapprochement se "
            "fait sur des identifiants pseudonymisés\u00a0; aucun nom n'a été conservé pour "
            "l'analyse."
        ),
    },
    "note.counted_place": {
        "fr": (
            "Le lieu de résidence, l'âge (par tranche de cinq ans) et le sexe retenus sont ceux "
            "du dernier prélèvement de la personne. La résidence est rattachée à une commune, puis "
            "à un département, à partir du code postal et du nom de la commune, jamais de "
            "l'adresse précise\u00a0: {located} des personnes ont ainsi pu être situées."
        ),
    },
    "note.counted_place_unknown": {
        "fr": (
            "Le lieu de résidence, l'âge (par tranche de cinq ans) et le sexe retenus sont ceux "
            "du dernier prélèvement de la personne. La résidence est rattachée à une commune, puis "
            "à un département, à partir du code postal et du nom de la commune, jamais de "
            "l'adresse précise."
        ),
    },
    "note.counted_categories": {
        "fr": (
            "Une personne est dite exposée à une catégorie de données (numéro de sécurité "
            "sociale, téléphone, adresse électronique, mot de passe…) si au moins l'une de ses "
            "lignes la contient. Le fichier donne {sensitive_shares}."
        ),
    },
    "note.counted_mentions": {
        "fr": (
            "Les mentions relatives à la santé (grossesse, VIH, cancer, handicap…) sont repérées "
            "dans les commentaires libres à l'aide d'une liste de mots-clés. Seul le nombre de "
            "personnes concernées est publié\u00a0: aucun commentaire n'est reproduit."
        ),
    },
    # How the note names the most sensitive categories: the first one, then the next ones.
    "note.sensitive_first.nir": {"fr": "le numéro de sécurité sociale de {share} des personnes"},
    "note.sensitive_next.nir": {"fr": "le numéro de sécurité sociale pour {share}"},
    "note.sensitive_first.phone_landline": {"fr": "un téléphone fixe de {share} des personnes"},
    "note.sensitive_next.phone_landline": {"fr": "un téléphone fixe pour {share}"},
    "note.sensitive_first.phone_mobile": {"fr": "un téléphone mobile de {share} des personnes"},
    "note.sensitive_next.phone_mobile": {"fr": "un téléphone mobile pour {share}"},
    "note.sensitive_first.email": {"fr": "une adresse e-mail de {share} des personnes"},
    "note.sensitive_next.email": {"fr": "une adresse e-mail pour {share}"},
    "note.sensitive_first.password": {"fr": "un mot de passe en clair de {share} des personnes"},
    "note.sensitive_next.password": {"fr": "un mot de passe en clair pour {share}"},
    "note.sensitive_first.blood_group": {"fr": "le groupe sanguin de {share} des personnes"},
    "note.sensitive_next.blood_group": {"fr": "le groupe sanguin pour {share}"},
    "note.sensitive_none": {"fr": "aucune de ces données"},
    "note.masked_heading": {"fr": "**Ce qui a été masqué, et pourquoi.**"},
    "note.masked_rule": {
        "fr": (
            "Aucune case publiée ne porte sur moins de {k} personnes{threshold}\u00a0: une case de "
            "1 à {k_minus} personnes est laissée vide, marquée «\u00a0secret statistique\u00a0»."
        ),
    },
    "note.masked_zeros": {"fr": "Les zéros sont publiés tels quels."},
    "note.masked_secondary": {
        "fr": (
            "D'autres cases sont masquées à leur tour pour qu'on ne puisse pas retrouver les "
            "premières, ni par soustraction dans un tableau, ni en croisant les tableaux de ce "
            "dossier entre eux et avec ceux publiés auparavant à partir du même fichier\u00a0: une "
            "case marquée «\u00a0< {k}\u00a0» peut valoir n'importe quel nombre de 1 à {k_minus}."
        ),
    },
    # After "moins de {k} personnes" (``note.masked_rule``): how the threshold compares with the
    # one of the ATIH and the CASD (a threshold below it has its own sentence, ``note.small_k``).
    "note.threshold_usual": {"fr": " (seuil de 11, celui de l'ATIH et du CASD)"},
    "note.threshold_higher": {"fr": " (plus strict que le seuil de 11 de l'ATIH et du CASD)"},
    # Residences known only by their postcode, placed on its most populous commune.
    "note.placed_by_postcode": {
        "fr": (
            "{n} personne n'avait qu'un code postal utilisable\u00a0: placée dans la commune la "
            "plus peuplée de ce code postal, pas forcément la bonne.",
            "{n} personnes n'avaient qu'un code postal utilisable\u00a0: placées dans la commune "
            "la plus peuplée de leur code postal, pas forcément la bonne.",
        ),
    },
    "note.placed_by_postcode_fewer": {"fr": "Moins de {k}"},
    # Under differential privacy: no count (it would not be noised), the method only.
    "note.placed_by_postcode_method": {
        "fr": (
            "Une personne dont seul le code postal était utilisable est placée dans la commune "
            "la plus peuplée de ce code postal, pas forcément la bonne."
        ),
    },
    # The box (``methodologie.md``): the figures that matter, in at most 250 words; the annex
    # (``methodologie-annexe.md``) gives the whole method with the ``note.*`` sentences above.
    "note.annex_title": {"fr": "## Méthodologie\u00a0: annexe (la méthode complète)"},
    "note.box_synthetic": {
        "fr": (
            "**Données fictives\u00a0:** ce fichier est synthétique, aucune personne décrite "
            "n'existe."
        ),
    },
    "note.box_persons": {
        "fr": (
            "Personnes comptées une fois (identifiants pseudonymisés, aucun nom conservé). Le "
            "fichier donne {sensitive_shares}."
        ),
    },
    "note.box_place": {
        "fr": (
            "Commune de résidence (code postal et nom de commune du dernier prélèvement) "
            "trouvée pour {located} des personnes."
        ),
    },
    "note.box_mentions": {
        "fr": (
            "Mentions de santé repérées par mots-clés\u00a0: des ordres de grandeur. Le fichier "
            "n'est peut-être qu'une partie de la fuite\u00a0: des minimums."
        ),
    },
    "note.box_rounding": {"fr": "Effectifs arrondis au multiple de {rounding} le plus proche."},
    "note.box_dp": {
        "fr": (
            "Effectifs bruités (confidentialité différentielle, epsilon = {epsilon} par "
            "tableau)."
        ),
    },
    "note.box_more": {
        "fr": (
            "Méthode complète\u00a0: methodologie-annexe.md\u00a0; paramètres\u00a0: "
            "manifest.json."
        ),
    },
    "note.small_k": {
        "fr": (
            "Ce seuil de {k}, sous celui de 11 de l'ATIH et du CASD, est un choix délibéré."
        ),
    },
    "note.masked_count": {
        "fr": (
            "Au total, {suppressed} cases sur {cells} ont été masquées dans les {tables} "
            "tableaux publiés."
        ),
    },
    "note.masked_count_none": {
        "fr": (
            "Aucune des {cells} cases des {tables} tableaux publiés n'a eu besoin d'être "
            "masquée."
        ),
    },
    "note.masked_rounding": {
        "fr": (
            "Les effectifs publiés sont en outre arrondis au multiple de {rounding} le plus "
            "proche\u00a0: les cases d'un tableau ne s'additionnent donc pas toujours exactement à "
            "son "
            "total."
        ),
    },
    "note.masked_dp": {
        "fr": (
            "Les effectifs ont été bruités selon la méthode de la confidentialité différentielle "
            "(paramètre epsilon = {epsilon} par tableau, {spent} pour ce dossier)\u00a0: chaque "
            "chiffre "
            "publié, total compris, peut s'écarter de quelques unités du chiffre exact, ce qui "
            "rend difficile de déduire d'un effectif la présence d'une personne donnée\u00a0; "
            "les parts et les taux sont calculés à partir des chiffres bruités. La liste des "
            "mois, laboratoires et lieux, et les premier et dernier mois de chaque laboratoire, "
            "viennent du fichier sans bruit."
        ),
    },
    "note.limits_heading": {"fr": "**Les limites.**"},
    "note.limits_releases": {
        "fr": (
            "Ces protections tiennent compte de tout ce qui a déjà été publié avec cet outil à "
            "partir de ce fichier et de la même clé (un registre des publications est tenu à "
            "côté de la clé)\u00a0; elles ne peuvent rien contre des chiffres publiés par d'autres "
            "à partir d'une autre copie, ni contre ce qu'un lecteur sait déjà d'une personne."
        ),
    },
    "note.limits_earlier": {
        "fr": (
            "Ce dossier a été protégé conjointement avec {tables} auparavant à partir de ce "
            "fichier."
        ),
    },
    "note.limits_earlier_tables": {
        "fr": ("{n} tableau publié", "{n} tableaux publiés"),
    },
    "note.limits_linking": {
        "fr": (
            "Le décompte des personnes dépend de la qualité du fichier\u00a0: une faute de frappe "
            "dans "
            "un nom peut dédoubler une personne sans numéro de sécurité sociale valide, et deux "
            "homonymes nés le même jour peuvent être confondus."
        ),
    },
    "note.limits_place": {
        "fr": (
            "L'adresse enregistrée par le laboratoire peut être ancienne\u00a0: la carte montre où "
            "vivaient les personnes au moment de leur prélèvement, pas aujourd'hui."
        ),
    },
    "note.limits_mentions": {
        "fr": (
            "La recherche de mots-clés ne comprend pas les phrases\u00a0: elle peut manquer une "
            "mention mal orthographiée et compter une mention niée («\u00a0pas de diabète\u00a0»). "
            "Ces "
            "chiffres sont des ordres de grandeur."
        ),
    },
    "note.limits_file": {
        "fr": (
            "Enfin, le fichier examiné n'est peut-être qu'une partie de ce qui a fuité\u00a0: ces "
            "chiffres sont des minimums."
        ),
    },
    "note.limits_left_out": {"fr": "Ce dossier ne montre pas {figures}."},
    "note.left_out_figure": {"fr": "{figure} ({reason})"},
    "note.reproduce_heading": {"fr": "**Reproduire.**"},
    "note.reproduce": {
        "fr": (
            "Les calculs ont été faits avec leak-toolkit {version}. Le fichier source a pour "
            "empreinte SHA-256 {sha256_short}…\u00a0; le fichier manifest.json joint liste tous "
            "les "
            "paramètres et l'empreinte de chaque fichier publié."
        ),
    },
    # --- disclosure control ----------------------------------------------------------------------
    "disclosure.suppressed": {"fr": "secret statistique", "en": "suppressed"},
    "disclosure.explain": {
        "fr": (
            "Sur {cells} cases du tableau (totaux compris), {primary} {hidden} moins de {k} "
            "personnes (secret primaire) et {secondary} {others} pour qu'on ne puisse pas les "
            "recalculer à partir des totaux (secret secondaire)."
        ),
        "en": (
            "Of {cells} cells in the table (totals included), {primary} {hidden} fewer than {k} "
            "people (primary suppression) and {secondary} {others} so that they cannot be "
            "recomputed from the totals (secondary suppression)."
        ),
    },
    "disclosure.hidden": {
        "fr": ("est masquée car elle compte", "sont masquées car elles comptent"),
        "en": ("is hidden because it counts", "are hidden because they count"),
    },
    "disclosure.others": {"fr": ("autre", "autres"), "en": ("more", "more")},
    "disclosure.rounded": {
        "fr": "Les effectifs publiés sont arrondis à {rounding} près.",
        "en": "Published counts are rounded to the nearest {rounding}.",
    },
    "disclosure.dp_error": {
        "fr": (
            "Chaque effectif a reçu un bruit aléatoire (confidentialité différentielle, epsilon "
            "= {epsilon})\u00a0: il s'écarte du vrai chiffre de {mean} {mean_people} en moyenne, "
            "et "
            "de plus de {bound} {bound_people} dans moins de 5\u202f% des cas."
        ),
        "en": (
            "Each count has random noise added (differential privacy, epsilon = {epsilon}): it "
            "is off by {mean} {mean_people} on average, and by more than {bound} in fewer than "
            "5\u202f% of cells."
        ),
    },
    "disclosure.people": {"fr": ("personne", "personnes"), "en": ("person", "people")},
    # --- the claims checker (French report) ------------------------------------------------------
    "claims.verdict.supported": {"fr": "confirmé"},
    "claims.verdict.contradicted": {"fr": "contredit"},
    "claims.verdict.not_measurable": {"fr": "non vérifiable"},
    # --- the notebooks' tables (toolkit.app.tables), French only ---------------------------------
    "table.column.item": {"fr": "Élément"},
    "table.column.value": {"fr": "Valeur"},
    "table.column.file": {"fr": "Fichier"},
    "table.column.encoding": {"fr": "Encodage"},
    "table.column.delimiter": {"fr": "Séparateur"},
    "table.column.rows_read": {"fr": "Lignes lues"},
    "table.column.rows_quarantined": {"fr": "Lignes mises de côté"},
    "table.column.columns": {"fr": "Colonnes"},
    "table.column.sha256": {"fr": "Empreinte SHA-256 (début)"},
    "table.column.column": {"fr": "Colonne"},
    "table.column.category": {"fr": "Catégorie de données"},
    "table.column.confidence": {"fr": "Confiance"},
    "table.column.rows": {"fr": "Lignes"},
    "table.column.distinct_persons": {"fr": "Personnes distinctes"},
    "table.column.duplicate_rows": {"fr": "Lignes en double"},
    "table.column.nir_filled": {"fr": "NIR présents"},
    "table.column.nir_valid_key": {"fr": "NIR à clé de contrôle valide"},
    "table.column.women": {"fr": "Femmes"},
    "table.column.men": {"fr": "Hommes"},
    "table.column.first_month": {"fr": "Premier prélèvement"},
    "table.column.last_month": {"fr": "Dernier prélèvement"},
    "table.column.labs": {"fr": "Laboratoires"},
    "table.column.postcodes_well_formed": {"fr": "Codes postaux bien formés"},
    "table.column.share": {"fr": "Part"},
    "table.column.reading": {"fr": "Ce que cela indique"},
    "table.column.claim": {"fr": "Affirmation publiée"},
    "table.column.source": {"fr": "Source (date)"},
    "table.column.published": {"fr": "Chiffre publié"},
    "table.column.measured": {"fr": "Mesuré dans le fichier"},
    "table.column.verdict": {"fr": "Verdict"},
    "table.column.resolution": {"fr": "Commune de résidence trouvée par"},
    "table.column.records": {"fr": "Enregistrements"},
    "table.column.persons": {"fr": "Personnes"},
    "table.column.lab": {"fr": "Laboratoire"},
    "table.column.name": {"fr": "Nom"},
    "table.column.departement": {"fr": "Département"},
    "table.column.insee": {"fr": "Commune (code INSEE)"},
    "table.column.copy": {"fr": "Copie"},
    "table.column.bytes": {"fr": "Octets"},
    "table.column.duplicates": {"fr": "Doublons"},
    "table.column.pair": {"fr": "Paire"},
    "table.column.byte_identical": {"fr": "Identiques octet pour octet"},
    "table.column.same_records": {"fr": "Mêmes enregistrements"},
    "table.column.records_only_a": {"fr": "Enregistrements seulement dans la 1re"},
    "table.column.records_only_b": {"fr": "Enregistrements seulement dans la 2de"},
    "table.column.records_both": {"fr": "Enregistrements dans les deux"},
    "table.column.persons_only_a": {"fr": "Personnes seulement dans la 1re"},
    "table.column.persons_only_b": {"fr": "Personnes seulement dans la 2de"},
    "table.column.persons_both": {"fr": "Personnes dans les deux"},
    "table.column.changed_records": {"fr": "Enregistrements modifiés"},
    "table.title.file": {"fr": "Le fichier lu"},
    "table.title.columns": {"fr": "Une catégorie de données par colonne"},
    "table.title.verify": {"fr": "Les comptes du fichier"},
    "table.title.indicators": {"fr": "Indices d'authenticité"},
    "table.title.claims": {"fr": "Les chiffres publiés face au fichier"},
    "table.title.resolution": {"fr": "Comment les résidences ont été situées"},
    "table.title.labs": {"fr": "Les laboratoires du registre"},
    "table.title.copies": {"fr": "Les copies comparées"},
    "table.title.pairs": {"fr": "Paire par paire"},
    "table.title.files": {"fr": "Les fichiers publiés"},
    "table.resolution.exact": {"fr": "code INSEE exact"},
    "table.resolution.postcode_name": {"fr": "code postal et nom de commune"},
    "table.resolution.former_name": {"fr": "ancien nom de commune"},
    "table.resolution.postcode_only": {"fr": "code postal seul (approximatif)"},
    "table.resolution.not_found": {"fr": "introuvable"},
    "table.delimiter": {"fr": "«\u00a0{delimiter}\u00a0»"},
    "table.quarantine_reason": {"fr": "{reason}\u00a0: {n}"},
    "table.claims_note": {"fr": "{claims}\u00a0: {supported}, {contradicted}, {not_measurable}."},
    "table.claims_count.claims": {"fr": ("{n} affirmation publiée", "{n} affirmations publiées")},
    "table.claims_count.supported": {"fr": ("{n} confirmée", "{n} confirmées")},
    "table.claims_count.contradicted": {"fr": ("{n} contredite", "{n} contredites")},
    "table.claims_count.not_measurable": {"fr": ("{n} non vérifiable", "{n} non vérifiables")},
    # --- numbers in words, and lists -------------------------------------------------------------
    "format.more_than": {"fr": "plus de {value}", "en": "more than {value}"},
    "format.less_than": {"fr": "moins de {value}", "en": "less than {value}"},
    "list.and": {"fr": "et", "en": "and"},
}


def _template(key: str, lang: Lang) -> Template:
    """The template of ``key`` in ``lang``; a KeyError naming what is missing otherwise."""
    try:
        entry = TEXTS[key]
    except KeyError:
        raise KeyError(f"no text {key!r} in the catalogue") from None
    try:
        return entry[lang]
    except KeyError:
        raise KeyError(f"the text {key!r} has no {lang!r} version") from None


def text(key: str, /, lang: Lang = "fr", **fields: object) -> str:
    """The text ``key`` in ``lang``, its ``{fields}`` filled (French by default)."""
    template = _template(key, lang)
    if isinstance(template, tuple):
        raise KeyError(f"the text {key!r} depends on a count: use plural()")
    return template.format(**fields)


def is_singular(n: float, lang: Lang = "fr") -> bool:
    """Whether a count takes the singular: below 2 in French (0, 1, 1,5), exactly 1 in English."""
    return abs(n) < 2 if lang == "fr" else n == 1


def plural(key: str, count: float, /, lang: Lang = "fr", **fields: object) -> str:
    """The singular or plural form of ``key`` for ``count``, its ``{fields}`` filled.

    The count is only used to choose the form: pass it formatted as a field if the text shows it.
    """
    template = _template(key, lang)
    if not isinstance(template, tuple):
        raise KeyError(f"the text {key!r} does not depend on a count: use text()")
    singular, many = template
    return (singular if is_singular(count, lang) else many).format(**fields)


def texts(prefix: str, lang: Lang = "fr") -> dict[str, str]:
    """Every text under ``prefix`` (one level down), by the rest of its key: a table of labels."""
    start = prefix + "."
    found = {
        key[len(start) :]: text(key, lang)
        for key in TEXTS
        if key.startswith(start) and "." not in key[len(start) :]
    }
    if not found:
        raise KeyError(f"no text under {prefix!r} in the catalogue")
    return found


def enumeration(items: Sequence[str], lang: Lang = "fr") -> str:
    """Items as a sentence lists them: "a, b et c" / "a, b and c"."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {text('list.and', lang)} " + items[-1]


def _literals(template: str) -> Iterator[str]:
    """The literal words of a template, its ``{fields}`` removed."""
    return (literal for literal, *_ in string.Formatter().parse(template) if literal)


def public_texts() -> list[str]:
    """Every text of the catalogue, in every language and form, its fields removed.

    These are the toolkit's own words: the tripwire never searches them as identifiers.
    """
    found: list[str] = []
    for entry in TEXTS.values():
        for template in entry.values():
            for form in template if isinstance(template, tuple) else (template,):
                found.extend(_literals(form))
    return found


__all__ = [
    "BILINGUAL",
    "LANGUAGES",
    "TEXTS",
    "Template",
    "enumeration",
    "is_singular",
    "plural",
    "public_texts",
    "text",
    "texts",
]
