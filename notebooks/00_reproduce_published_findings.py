# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 00 — Les chiffres publiés tiennent-ils face au fichier ?
#
# ## Commencez ici
#
# Six carnets, à ouvrir dans l'ordre ; chacun répond à une question et se termine par sa
# réponse.
#
# | carnet | la question | ce qu'il conclut |
# |---|---|---|
# | **00** (celui-ci) | Les chiffres publiés tiennent-ils face au fichier ? | un verdict par chiffre publié, et l'authenticité en quelques phrases |
# | **01** `01_ingest_and_verify` | Que contient le fichier, et est-il authentique ? | les catégories de données, les indices d'authenticité, les signes de fabrication, la conclusion |
# | **02** `02_geolocate` | Où sont les laboratoires et les personnes exposées ? | cartes par département et par commune, distances au laboratoire |
# | **03** `03_exposure` | Qui a été exposé, quand, et à quoi ? | catégories par année, combinaisons, mentions de santé, âge et sexe, explorateur |
# | **04** `04_export_for_publication` | Que peut-on publier ? | le dossier de publication (graphiques, CSV, note de méthodologie) |
# | **05** `05_compare_copies` | Les copies qui circulent sont-elles le même fichier ? | un verdict par paire de copies, et sa publication |
#
# **Avant tout** : `make lab` (installe l'environnement au premier lancement, puis ouvre
# JupyterLab sur ce dossier) ; le fichier analysé est la fuite synthétique
# `data/raw/synthetic_leak.csv`, générée au premier carnet exécuté, ou le fichier que vous
# nommez dans la cellule `LEAK` (ou la variable `TOOLKIT_LEAK`). Exécutez chaque carnet en
# entier (menu *Run › Run All Cells*). **Durée** : quelques minutes par carnet sur le fichier
# complet (491 840 lignes), un peu plus la première fois (génération de la fuite synthétique)
# et pour le carnet 05, qui lit trois copies. **Ce qui est écrit** : rien ici ; le carnet 04 écrit
# le dossier de publication dans `figures/carnet-04/`, le carnet 05 dans `figures/carnet-05/`
# (ou dans `TOOLKIT_OUT`) ; les fichiers intermédiaires (table pseudonymisée, copies) restent
# dans `data/interim/`, lisibles par vous seul, et sont effacés quand le noyau s'arrête. Les sorties des
# carnets ne sont jamais enregistrées dans le dépôt (filtre git et sauvegarde sans sorties :
# voir le README, « Notebooks »).
#
# ## Ce carnet
#
# En février 2021, Libération (CheckNews) et le blog Zataz révèlent la fuite des données de
# 491 840 patients de 28 laboratoires d'analyses du quart nord-ouest de la France. La presse,
# puis la CNIL (délibération SAN-2022-009), publient des chiffres : nombre de personnes, de NIR,
# de femmes et d'hommes, de mots de passe en clair, période des prélèvements…
#
# Ce carnet confronte **chacun de ces chiffres publiés** au fichier analysé et rend un verdict
# par chiffre. Il ne montre que des comptes, jamais une donnée personnelle.
#
# Le fichier analysé est un paramètre (cellule suivante) : `None` prend la variable
# d'environnement `TOOLKIT_LEAK`, sinon la fuite synthétique `data/raw/synthetic_leak.csv`
# (générée si elle manque). Remplacez `None` par un chemin pour travailler sur un vrai fichier.

# %% tags=["parameters"]
LEAK = None

# %%
from toolkit.app import notebook, tables, widgets
from toolkit.publication import charts
from toolkit.raw import claims, ingest, schema, verify

leak_path = notebook.resolve_leak(LEAK)
leak = ingest.read_leak(leak_path)
classes = schema.classify(leak.frame)
tables.file_summary(leak)

# %% [markdown]
# ## Le verdict, chiffre par chiffre
#
# Chaque affirmation publiée est encodée avec sa source et sa formulation exacte, dans le
# fichier d'affirmations du dossier d'enquête (`toolkit/shared/cases/dedalus_2021.claims.json`
# pour la fuite de 2021, le dossier par défaut ; un autre dossier : variable d'environnement
# `TOOLKIT_CASE`). Le tableau donne toutes les affirmations, chacune telle que publiée, avec sa
# source, le chiffre publié et ce que le fichier mesure ; le verdict dit si le fichier la
# **confirme**, la **contredit**, ou s'il ne permet pas de la vérifier (**non vérifiable** : la
# colonne manque, ou le chiffre porte sur autre chose que le fichier). Sur un échantillon
# synthétique réduit, les chiffres absolus (491 840 personnes…) sont naturellement contredits :
# seules les proportions peuvent tenir.

# %%
report = verify.verify(leak, classes)
verdicts = claims.check_claims(report, case=notebook.resolve_case())
tables.claims_summary(verdicts)

# %% [markdown]
# ## Les comptes sur lesquels reposent ces verdicts
#
# Le rapport de vérification complet (comptes par catégorie) s'imprime avec
# `python -m toolkit verify` ; en voici l'essentiel.

# %%
tables.verify_summary(report)

# %% [markdown]
# ## Le fichier est-il authentique ?
#
# Le carnet 01 détaille chaque test ; voici sa conclusion, à reprendre telle quelle.

# %%
notebook.conclusion(report)

# %% [markdown]
# ## « De 2015 à octobre 2020, surtout en 2018-2019 »
#
# La période des prélèvements se lit mieux qu'elle ne se compte : voici les personnes
# prélevées chaque mois. Les chiffres passent d'abord la frontière de pseudonymisation
# (table sûre), puis le contrôle de divulgation (aucun mois de moins de 11 personnes n'est
# affiché en clair). Un fichier sans date de prélèvement exploitable n'a pas de chronologie :
# la cellule le dit.

# %%
safe = notebook.safe_table(leak_path)
exposure = widgets.exposure_tables(safe)
notebook.chart(charts.timeline_chart, exposure["timeline"], count="persons")
