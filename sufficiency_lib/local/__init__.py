"""local"""

from sufficiency_lib import text_storage  # noqa: F401  (Python-string text columns: see its docstring)
