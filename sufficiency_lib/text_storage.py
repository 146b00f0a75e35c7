"""Text columns held as Python strings rather than Arrow arrays.

The same values either way (a test compares the demo's tables), but the statement's build
makes tens of thousands of small frames, and filtering, joining and copying them is about a
quarter faster with Python strings (``benchmarks/render_batch.py`` measures the build).
Imported by the packages that read data (the return, published statistics, analysis), so
the pages, which only display what was built and never import pandas, stay light.
"""
import pandas as pd

pd.set_option("mode.string_storage", "python")
