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
from toolkit.app import notebook, widgets
from toolkit.publication import charts
from toolkit.raw import claims, ingest, schema, verify

leak_path = notebook.resolve_leak(LEAK)
leak = ingest.read_leak(leak_path)
classes = schema.classify(leak.frame)
leak.describe()

# %% [markdown]
# ## Le verdict, chiffre par chiffre
#
# Chaque affirmation publiée est encodée avec sa source et sa formulation exacte, dans le
# fichier d'affirmations du dossier d'enquête (`toolkit/shared/cases/dedalus_2021.claims.json`
# pour la fuite de 2021, le dossier par défaut ; un autre dossier : variable d'environnement
# `TOOLKIT_CASE`). `published` est le chiffre publié, `measured` ce que le fichier donne ; le
# verdict dit si le fichier le **confirme** (`supported`), le **contredit** (`contradicted`) ou
# ne permet pas de le mesurer. Sur un échantillon synthétique réduit, les
# chiffres absolus (491 840 personnes…) sont naturellement contredits : seules les proportions
# peuvent tenir.

# %%
report = verify.verify(leak, classes)
verdicts = claims.check_claims(report, case=notebook.resolve_case())
verdicts.select("claim", "source", "published", "measured", "verdict")

# %% [markdown]
# ## Le même verdict, rédigé
#
# Le rapport de vérification complet (comptes par catégorie, indices d'authenticité) suivi des
# affirmations publiées, tel que l'imprime `python -m toolkit verify`.

# %%
print(verify.report_text(report, verdicts))

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
tables = widgets.exposure_tables(safe)
notebook.chart(charts.timeline_chart, tables["timeline"], count="persons")
