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
# # 03 — Qui a été exposé, quand, et à quoi ?
#
# Ce carnet mesure l'exposition : par période, par laboratoire, par catégorie de données et par
# mention de santé dans les commentaires libres. Tout part de la *table sûre* (pseudonymisée) et
# chaque compte passe le contrôle de divulgation : aucune case de moins de 11 personnes n'est
# affichée en clair.
#
# Paramètres : `LEAK` (`None` = `TOOLKIT_LEAK`, sinon la fuite synthétique) et `LABS`, le
# registre des laboratoires (pour afficher leurs noms).
#
# *Par où commencer, dans quel ordre, combien de temps : voir « Commencez ici » en tête du
# carnet 00.*

# %% tags=["parameters"]
LEAK = None
LABS = None

# %%
from toolkit.app import notebook, widgets
from toolkit.publication import charts, disclosure
from toolkit.safe import exposure

leak_path = notebook.resolve_leak(LEAK)
safe = notebook.safe_table(leak_path)
labs = notebook.lab_locations(notebook.resolve_labs(leak_path, LABS))

# %% [markdown]
# ## Quelles données, quelle année ?
#
# Part des personnes prélevées chaque année dont chaque catégorie de données a fuité. Un
# graphique que ce fichier ne permet pas de dessiner (pas de date exploitable, pas de
# commentaire…) est remplacé par une phrase qui dit pourquoi.

# %%
by_year = disclosure.protect(exposure.category_by_year(safe), by=["category", "year"]).table
notebook.chart(charts.category_year_chart, by_year)

# %% [markdown]
# ## Ce qui fuit ensemble
#
# Une adresse seule expose peu ; un NIR avec un téléphone, un mot de passe et une mention de
# santé expose beaucoup. Voici les combinaisons de catégories les plus fréquentes.

# %%
combinations = disclosure.protect(exposure.co_exposure(safe), by=["combination"]).table
notebook.chart(charts.co_exposure_chart, combinations)

# %% [markdown]
# ## Les mentions de santé dans les commentaires libres
#
# Les commentaires ne sortent jamais de la frontière : seuls des comptes de personnes par type
# de mention (grossesse, VIH, cancer, enfant…) en sortent.

# %%
mentions = disclosure.protect(exposure.health_mentions(safe), by=["mention"]).table
notebook.chart(charts.health_mentions_chart, mentions)

# %% [markdown]
# ## Âge et sexe des personnes exposées

# %%
pyramid = disclosure.protect(exposure.age_sex_pyramid(safe), by=["age_band", "sex"]).table
notebook.chart(charts.pyramid_chart, pyramid)

# %% [markdown]
# ## Explorer : choisir laboratoires, départements, période et catégories
#
# Sélectionnez un ou plusieurs laboratoires, départements de résidence ou catégories de données
# (aucune sélection = tout), une période, et le seuil de secret statistique *k* : les
# graphiques et le tableau des laboratoires se mettent à jour. Choisir des catégories ne garde
# que les personnes exposées à au moins l'une d'elles.

# %%
explorer = widgets.ExposureExplorer(safe, labs=labs, case=notebook.resolve_case(),
                                    fictional=notebook.is_fictional(leak_path))
explorer
