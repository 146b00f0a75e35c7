"""Text columns held as Python strings rather than Arrow arrays.

The same values either way (a test compares the demo's tables), but the statement's build
makes tens of thousands of small frames, and filtering, joining and copying them is about a
quarter faster with Python strings (``benchmarks/render_batch.py`` measures the build).
Imported by the packages that read data (the return, published statistics, analysis), so
the pages, which only display what was built and never import pandas, stay light.
:func:`read_parquet` reads the large kept files (the embedded figures, the national backtest,
the pooled forecasts) with each distinct text value held once, which Python strings need.
"""
import pandas as pd

pd.set_option("mode.string_storage", "python")


def read_parquet(path, columns: list[str] | None = None) -> pd.DataFrame:
    """``pd.read_parquet``, the same frame, with each text column's repeated values held once.

    Read as Arrow dictionaries, a column's distinct values become one Python string each and
    every row refers to one of them; a plain read makes a string object per row (the national
    backtest's 180,000 rows held about 80 MB more that way).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    wanted = set(columns) if columns is not None else None
    text = [field.name for field in pq.read_schema(path)
            if (wanted is None or field.name in wanted)
            and (pa.types.is_string(field.type) or pa.types.is_large_string(field.type))]
    frame = pq.read_table(path, columns=columns, read_dictionary=text).to_pandas()
    for name in text:
        values = frame[name].array                          # a Categorical: distinct values and codes
        distinct = pd.array(values.categories.to_numpy(dtype=object), dtype="str")
        frame[name] = distinct.take(values.codes, allow_fill=True)
    return frame
