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
# # 05 — Comparer des copies d'une fuite
#
# Un fichier qui a fuité circule en plusieurs copies (celui de 2021 à au moins sept endroits).
# Avant d'écrire une ligne, il faut savoir : est-ce le même fichier ? L'une est-elle un extrait
# de l'autre, ou une version retouchée (lignes ajoutées pour gonfler le fichier, valeurs
# modifiées) ? Une copie plus récente expose-t-elle de nouvelles personnes, de nouveaux
# laboratoires ? Laquelle est la plus complète ?
#
# La réponse sort en chiffres et en verdict, jamais en personne : chaque enregistrement est
# réduit à une empreinte chiffrée avec la clé secrète du projet (la même que pour la
# pseudonymisation), ce qui rend la comparaison insensible à l'ordre des lignes, à l'encodage,
# au séparateur, aux guillemets, à la casse et aux espaces ; un lecteur des résultats ne peut
# pas tester une supposition sur une personne.
#
# Paramètres : `LEAK` (`None` = `TOOLKIT_LEAK`, sinon la fuite synthétique), `COPIES` (la liste
# des fichiers à comparer ; `None` = `TOOLKIT_COPIES`, sinon `LEAK` et deux copies fabriquées à
# partir de lui pour la démonstration : un extrait et une copie mélangée, réencodée et enrichie),
# `OUT` (dossier d'export, `None` = `TOOLKIT_OUT`, sinon `figures/carnet-05`) et `K`, le seuil.
#
# *Par où commencer, dans quel ordre, combien de temps : voir « Commencez ici » en tête du
# carnet 00.*

# %% tags=["parameters"]
LEAK = None
COPIES = None
OUT = None
K = 11

# %%
import os
from pathlib import Path

from toolkit.app import notebook, publishing, widgets
from toolkit.shared import paths

leak_path = notebook.resolve_leak(LEAK)
copies = notebook.resolve_copies(leak_path, COPIES)
key_file = notebook.copies_key_file(copies)
out = Path(OUT or os.environ.get("TOOLKIT_OUT") or paths.FIGURES / "carnet-05") / "comparaison"

# %% [markdown]
# ## Les copies
#
# Pour chaque copie : sa taille, les lignes lues et mises de côté, l'encodage, le séparateur,
# le nombre d'enregistrements distincts, de doublons et de personnes, et le début de son
# empreinte SHA-256 (de quoi prouver plus tard de quel fichier on parle).

# %%
comparison = notebook.compare(copies, key_file=key_file)
notebook.copies_table(comparison)

# %% [markdown]
# ## Le verdict
#
# Pour chaque paire puis pour l'ensemble : identiques, mêmes enregistrements à la forme près,
# extrait, ajouts, valeurs modifiées (un numéro de sécurité sociale, une date de naissance ou un
# téléphone changé est un signe de retouche ou d'un export plus récent).

# %%
notebook.verdict(comparison)

# %% [markdown]
# ## Paire par paire
#
# Les enregistrements et les personnes présents dans une seule des deux copies, ou dans les
# deux, et les enregistrements modifiés (même personne, même prélèvement, autres valeurs).

# %%
notebook.pairs_table(comparison)

# %% [markdown]
# ## Publier la comparaison
#
# Qui figure dans quelle copie, et où se trouvent les différences (par mois de prélèvement et
# par laboratoire) : ces tableaux passent par le même chemin que le dossier de publication.
# Aucune case ne porte sur moins de `K` personnes, les tableaux sont protégés ensemble (une case
# masquée ne peut pas être retrouvée en les croisant, ni avec le nombre de personnes de chaque
# copie), le détecteur de données personnelles passe sur chaque fichier avec les identifiants de
# toutes les copies, et la publication est inscrite au registre des publications. Si deux
# copies ne diffèrent que de quelques personnes, rien ne peut en être publié : la cellule le
# dit.
#
# Une comparaison et le dossier de publication d'une des copies, publiés avec la même clé, ne
# comptent jamais tous deux ses personnes par mois ou par laboratoire (l'un moins l'autre
# pourrait redonner des cases masquées) : le second publié laisse ces tableaux de côté et le
# dit. Les copies de démonstration ont leur propre clé (`key_file`, effacée avec elles) : leur
# publication ne se mêle pas à celles de la fuite.

# %%
notebook.publish_comparison(copies, out, protection=publishing.Protection(k=K),
                            key_file=key_file)

# %% [markdown]
# ### Les personnes présentes dans une seule copie, par mois de prélèvement

# %%
notebook.published_chart(out, "comparaison_par_mois")

# %% [markdown]
# ## Choisir d'autres copies
#
# Cochez au moins deux fichiers (ceux de `data/raw/` sont proposés, les copies ci-dessus
# cochées), puis « Comparer » : le verdict et le tableau des copies s'affichent dessous.

# %%
widgets.CopyPicker(chosen=copies)
