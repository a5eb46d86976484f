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
# # 02 — Les laboratoires et les patients sur la carte
#
# Où sont les laboratoires touchés, où vivent les personnes exposées, et à quelle distance de
# leur laboratoire ? Les laboratoires (des entreprises) sont placés sur leur commune ; les
# patients ne sont **jamais** localisés plus finement que leur commune de résidence, et les
# cartes ne montrent que des comptes d'au moins 11 personnes.
#
# Paramètres : `LEAK`, le fichier analysé (`None` = `TOOLKIT_LEAK`, sinon la fuite
# synthétique) ; `LABS`, le registre des laboratoires (`None` = `TOOLKIT_LABS`, sinon le
# fichier `<nom>.labs.csv` posé à côté de la fuite).
#
# *Par où commencer, dans quel ordre, combien de temps : voir « Commencez ici » en tête du
# carnet 00.*

# %% tags=["parameters"]
LEAK = None
LABS = None

# %%
from toolkit.app import notebook, tables, widgets
from toolkit.publication import charts, disclosure
from toolkit.safe import exposure

leak_path = notebook.resolve_leak(LEAK)
safe = notebook.safe_table(leak_path)
labs = notebook.lab_locations(notebook.resolve_labs(leak_path, LABS))
tables.labs_summary(labs)

# %% [markdown]
# ## Les résidences : jusqu'à la commune, pas plus loin
#
# Le code postal et le nom de commune de chaque patient deviennent un code INSEE de commune
# (puis un département). Ce tableau dit comment : code exact, code postal et nom concordants,
# code postal seul (commune la plus peuplée du code postal, approximatif) ou introuvable.

# %%
tables.resolution_summary(exposure.resolution_rates(safe))

# %% [markdown]
# ## Par département : part des habitants exposés
#
# Les cercles sont les laboratoires, dimensionnés selon le nombre de personnes exposées. Sans
# registre des laboratoires (ou si aucun laboratoire du fichier n'y figure), la carte montre les
# résidences seules, et le dit.

# %%
by_departement = widgets.exposure_tables(safe)["departements"]
notebook.chart(charts.departement_map, by_departement,
               labs=notebook.lab_points(safe, labs))

# %% [markdown]
# ## Par commune, dans les départements touchés

# %%
by_commune = disclosure.protect(exposure.persons_by_commune(safe), by=["insee"]).table
notebook.chart(charts.commune_map, by_commune)

# %% [markdown]
# ## À quelle distance de leur laboratoire ?
#
# Distance à vol d'oiseau entre la commune de résidence et la commune du laboratoire : une
# fuite de laboratoire expose surtout ses voisins.

# %%
bands = disclosure.protect(exposure.distance_bands(safe, labs), by=["band"]).table
notebook.chart(charts.distance_chart, bands)
