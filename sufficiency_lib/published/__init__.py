"""Published statistics: DfE's children looked after releases, ONS populations, DfE's
statistical neighbours (and, in later issues, Ofsted and LAIT figures).

- :mod:`figures`: the one long *figures* shape every figure takes;
- :mod:`store`: ``store.load(folders=())``, what pages benchmark against: the embedded
  figures plus a user's folders, the newest release winning;
- :mod:`embedded`: the compact parquet the project ships, rebuilt by ``sufficiency embed``;
- :mod:`dfe` reads EES files, placed by :mod:`layouts` and worded by :mod:`labels`;
  :mod:`releases` lets the newest release win; :mod:`write` writes EES-shaped files;
- :mod:`reference`: authorities, reorganisations and neighbours (:mod:`neighbours` reads
  DfE's model files).
"""

from sufficiency_lib import text_storage  # noqa: F401  (Python-string text columns: see its docstring)
