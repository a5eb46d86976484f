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
# # 04 — Exporter pour publication
#
# Ce carnet produit ce qu'une rédaction publie : pour chaque graphique, une image (SVG et PNG),
# sa spécification Vega-Lite (à intégrer dans une page), le tableau de chiffres protégé (CSV
# prêt pour Datawrapper ou Excel), un texte alternatif ; une carte des départements en GeoJSON ;
# un manifeste (`manifest.json`) et une note de méthodologie en français (`methodologie.md`).
#
# Deux garde-fous s'appliquent avant qu'un seul fichier ne soit écrit : aucun chiffre publié ne
# porte sur moins de `K` personnes (secret statistique), et chaque fichier est passé au
# « détecteur de données personnelles » : s'il contient un numéro de sécurité sociale, un
# téléphone, une adresse e-mail ou n'importe quel nom, adresse, identifiant ou commentaire du
# fichier d'origine, l'export est annulé et rien n'est écrit.
#
# Paramètres : `LEAK` (`None` = `TOOLKIT_LEAK`, sinon la fuite synthétique), `LABS` (registre
# des laboratoires, `None` = `TOOLKIT_LABS` ou le fichier `.labs.csv` voisin), `OUT` (dossier
# d'export, `None` = `TOOLKIT_OUT`, sinon `figures/carnet-04`) et `K`, le seuil.
#
# *Par où commencer, dans quel ordre, combien de temps : voir « Commencez ici » en tête du
# carnet 00.*

# %% tags=["parameters"]
LEAK = None
LABS = None
OUT = None
K = 11

# %%
import os
from pathlib import Path

from toolkit.app import notebook, publishing, tables
from toolkit.shared import paths

leak_path = notebook.resolve_leak(LEAK)
labs_path = notebook.resolve_labs(leak_path, LABS)
out = Path(OUT or os.environ.get("TOOLKIT_OUT") or paths.FIGURES / "carnet-04")

# %% [markdown]
# ## Le dossier de publication
#
# Une seule commande : lecture du fichier, pseudonymisation, agrégats, secret statistique,
# graphiques, détecteur de données personnelles, puis écriture du dossier. Même fichier, même
# clé, mêmes paramètres : mêmes fichiers, octet pour octet. Si rien ne peut être publié à partir
# de ce fichier (aucune colonne exploitable, trop peu de personnes, publication refusée par le
# contrôle du secret statistique), la cellule le dit et rien n'est écrit.

# %%
protection = publishing.Protection(k=K)
result = notebook.publish(leak_path, out / "dossier", labs=labs_path, protection=protection)

# %% [markdown]
# ## La note de méthodologie
#
# À reprendre dans l'encadré « méthodologie » de l'article. Elle dit ce qu'est le fichier, ce
# qui a été compté, ce qui a été masqué et pourquoi, et les limites des chiffres.

# %%
notebook.methodology(result)

# %% [markdown]
# ## Exporter un graphique de plus
#
# Un graphique de plus passe par le même chemin que le dossier : son tableau est protégé
# (secret statistique) *en même temps* que tout ce qui a déjà été publié à partir du même
# fichier — une case masquée ne peut pas être retrouvée en croisant ce graphique avec le
# dossier —, puis le détecteur de données personnelles passe sur chaque fichier, et la
# publication est inscrite au registre des publications (à côté de la clé). Ici : les mentions
# de santé par année (`figures.EXTRAS` donne la liste des graphiques disponibles). Un fichier
# sans commentaire libre ou sans date n'en a pas : la cellule le dit.

# %%
notebook.export_extra(
    leak_path, "mentions_par_annee", out / "graphiques", labs=labs_path, protection=protection
)

# %% [markdown]
# ## Ce qui a été écrit
#
# Chaque fichier du dossier et son empreinte SHA-256 (aussi dans `manifest.json`) : de quoi
# prouver plus tard qu'un fichier publié est bien celui-là.

# %%
tables.files_summary(out)
