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
# # 01 — Que contient le fichier, et est-il authentique ?
#
# Avant d'écrire une ligne sur une fuite, il faut savoir ce que l'on a entre les mains : combien
# de lignes, quelles colonnes, quelles données personnelles, et si le fichier a les
# caractéristiques d'un vrai fichier de laboratoire ou d'un faux. Ce carnet le dit avec des
# **comptes uniquement** : aucune valeur d'une colonne personnelle n'est affichée.
#
# Fichier analysé : paramètre `LEAK` ci-dessous (`None` = `TOOLKIT_LEAK`, sinon la fuite
# synthétique).
#
# *Par où commencer, dans quel ordre, combien de temps : voir « Commencez ici » en tête du
# carnet 00.*

# %% tags=["parameters"]
LEAK = None

# %% [markdown]
# ## Lecture
#
# Le fichier est lu sans le modifier ; encodage et séparateur sont détectés, chaque ligne est
# comptée : lue, ou mise en quarantaine avec sa raison (nombre de champs incorrect…).
#
# Un vrai fichier est souvent incomplet (laboratoire absent, dates illisibles, en-têtes sans
# signification) : le rapport de vérification compte les lignes concernées, et une cellule qui
# ne peut rien montrer pour ce fichier le dit en une phrase.

# %%
from toolkit.app import notebook, tables, widgets
from toolkit.publication import charts
from toolkit.raw import ingest, schema, verify

leak_path = notebook.resolve_leak(LEAK)
leak = ingest.read_leak(leak_path)
tables.file_summary(leak)

# %% [markdown]
# ## Quelles données ? Une catégorie par colonne
#
# Chaque colonne est rangée dans une catégorie de données (nom, NIR, téléphone, mot de passe,
# commentaire libre…), d'après son en-tête et son contenu, avec un indice de confiance.

# %%
classes = schema.classify(leak.frame)
tables.columns_summary(classes)

# %% [markdown]
# ## Est-il authentique ?
#
# Un faussaire peut inventer des noms ; il lui est bien plus difficile de produire des NIR dont
# la clé de contrôle est juste et qui concordent avec le sexe et la date de naissance, des codes
# postaux qui existent et vont avec la commune, des numéros de téléphone conformes au plan de
# numérotation. Les tableaux ci-dessous comptent ces indices (le rapport complet, catégorie
# par catégorie, s'imprime avec `python -m toolkit verify`).

# %%
report = verify.verify(leak, classes)
tables.verify_summary(report)

# %%
tables.indicators_summary(report)

# %% [markdown]
# ## Signes de fabrication
#
# Tous ces indices, un faussaire qui lit les règles du NIR et du téléphone peut les franchir.
# Les vrais fichiers ont d'autres régularités, qu'il reproduit rarement : des prénoms de leur
# époque, des laboratoires fermés le dimanche et les jours fériés, des gens nés souvent dans le
# département où ils vivent, dans de vraies communes ou à l'étranger, des fixes dans la zone de
# leur adresse, moins de mobiles chez les plus âgés, des patients qui habitent près de leur
# laboratoire. Chaque test ci-dessous compare une statistique à un seuil et dit ce qu'il peut
# montrer et ce qu'il ne peut pas. Le verdict ne déclare jamais un fichier authentique : il nomme
# les signes de fabrication trouvés, ou dit qu'aucun ne l'a été parmi les tests menés. La fuite
# synthétique par défaut est fabriquée, et la boîte à outils le voit (prénoms hors de leur
# époque, prélèvements le dimanche, mobiles aussi fréquents chez les plus âgés) ;
# `python -m toolkit synth --mode realistic` écrit un fichier qui passe ces tests.

# %%
tables.fabrication_summary(report)

# %% [markdown]
# Le verdict de ces tests, tel qu'une note de méthodologie peut le citer, puis la structure du
# fichier, décrite sans entrer dans le verdict (un vrai fichier et un faux peuvent l'un et
# l'autre la présenter) :

# %%
notebook.fabrication_verdict(report)

# %% [markdown]
# ## Combien de personnes exposées, pour chaque catégorie ?
#
# Le fichier franchit ici la frontière de pseudonymisation : il devient la *table sûre*
# (identifiant de personne chiffré, champs grossis, indicateurs par catégorie). Le graphique
# montre la part des personnes dont chaque catégorie de données a fuité ; les catégories de
# santé (article 9 du RGPD) sont en couleur.

# %%
safe = notebook.safe_table(leak_path)
exposure = widgets.exposure_tables(safe)
notebook.chart(charts.categories_chart, exposure["categories"])

# %% [markdown]
# ## En conclusion : le fichier est-il authentique ?
#
# Ce qui plaide pour un vrai fichier (les règles du NIR, des codes postaux et du téléphone
# respectées, les tests de fabrication passés), ce qui plaide pour une fabrication, et le
# verdict, en quelques phrases à reprendre telles quelles dans un article ou une note.

# %%
notebook.conclusion(report)
