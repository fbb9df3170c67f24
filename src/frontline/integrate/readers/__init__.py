"""Readers: every row of a department's source, as delivered, into a DuckDB table.

``read_source(con, spec, data_dir, table)`` creates (or replaces) the DuckDB table ``table``
and returns a :class:`ReadResult`. On failure the table is dropped and a :class:`ReadError`
(a ``ValueError``) is raised.

**The table.** One row per row of the source's file(s), none left out:

- ``_source`` the source key; ``_file`` the file relative to the data folder (``schema.table``
  for a database table); ``_row`` the data row's number within its file, 1 for the first row
  after the header (``header_row``), restarting at 1 in each file of a glob;
- ``_disposition``: NULL for a record to integrate, ``'skipped'`` for a row matched by a ``skip``
  rule (a roster's 合计 line), ``'other_source'`` for a row left out by ``only`` because another
  source reads it (a property register lists persons and enterprises). ``skip`` wins over
  ``only``; values are compared without surrounding spaces. A row whose ``only`` column is
  empty is ``other_source`` for every source of the file;
- one VARCHAR column per entry of ``spec.columns()``, named by its workspace name (canonical
  field or attribute), holding the value as delivered. Missing values, absent JSON keys and
  empty strings are NULL; other text is not trimmed or changed. Typed values become text by
  one rule: integral numbers without ``.0`` (a spreadsheet's ``1240.0`` is ``1240``; floats
  beyond 2**53 keep their exponent), dates ``YYYY-MM-DD``, timestamps ``YYYY-MM-DD HH:MM:SS``,
  booleans ``true``/``false``, nested JSON as JSON text.

Rows are counted as records, not lines: blank lines (CSV, JSON lines) and blank spreadsheet rows
are not rows, and a quoted CSV value may span lines. ``header_row`` counts rows as a spreadsheet
program shows them (title rows above the header are ignored). For JSON, Parquet and tables
``_row`` is the record's position: in the file, or in primary-key order for a database table.

**Formats.**

- ``csv`` (any one-character ``delimiter``): DuckDB ``read_csv`` with every column VARCHAR,
  RFC 4180 quoting (``"``, doubled inside values) and strict mode. A line with the wrong number
  of fields or an unclosed quote is an error naming the line.
- ``xlsx`` (also XLS, XLSB, ODS): python-calamine; ``sheet`` is a name or a 1-based position,
  default the first sheet.
- ``jsonl``: one JSON object a line. ``json``: one document whose records are its top-level
  list, or the list under ``records_path`` (a key; dots separate nested keys). Each mapped key
  must occur in at least one record (a misspelt key is an error, not a column of NULLs).
- ``parquet``: DuckDB ``read_parquet``; typed columns become text as above.
- ``table``: SQLAlchemy reflects the table from the URL in the environment variable
  ``table.url_env`` (never shown in messages); rows come in primary-key order (else ordered by
  the columns read) straight from the driver in batches, a server-side cursor on PostgreSQL.
  Values are what the driver returns (PostgreSQL's typed values; SQLite's stored text, and its
  1/0 for booleans), made text as above.

**Encodings** (text formats: csv, jsonl, json). A declared ``encoding`` (utf-8, utf-8-sig, gbk,
gb18030) is used strictly. Without one it is detected: a UTF-8 byte-order mark means
``utf-8-sig``; a file that decodes as UTF-8 is ``utf-8``; otherwise ``gb18030`` — the superset
of GBK, so GBK files and rare characters such as 𠮷 read alike — reported as ``gb18030
(detected)``. Before GB18030 is accepted, charset-normalizer must find the text around the
first non-UTF-8 byte plausible as GB18030; Big5, Shift-JIS or Latin-1 text is refused, as are
UTF-16/UTF-32 and files with NUL bytes. DuckDB reads only UTF-8, so GBK and GB18030 files are
transcoded, streamed in chunks, into a temporary UTF-8 copy (in ``scratch``, by default the
DuckDB database's temp folder) that is deleted as soon as it has been read.

**Errors** name the source key and the file, say what is wrong and give a hint; they never quote
a value from the data. They cover: a missing file or a glob matching nothing (with similar file
names); a mapped, ``skip`` or ``only`` column absent from the header (the headers found and close
matches, or the row that does hold the headers when ``header_row`` is wrong; a row matching no
mapped column at all is not shown, as it may be data); a column that appears twice; undecodable
bytes (byte offset, line, and which encoding does decode the file); a ``header_row`` past the
end or on a blank row; a sheet that does not exist (the sheets found); a ``records_path``
missing from the document (its keys); malformed CSV or JSON (the line); a non-object JSON
record; an unset URL variable, an unreachable database or a missing table (the tables found).
"""

from frontline.integrate.readers.error import ReadError
from frontline.integrate.readers.result import FileRead, ReadResult
from frontline.integrate.readers.source import read_source

__all__ = ["FileRead", "ReadError", "ReadResult", "read_source"]
