"""The list of terms in the full-text index (table ``search_term``), kept in step with the index by hooks.reindex_rows.

Search expands the word being typed into the indexed terms it starts (services/search.py). FTS5's own vocabulary
(fts5vocab) can list them, but to be sure that no further term starts with the prefix it must step past the last
one, and FTS5 gets past a term only by reading that term's whole list of rows: ~500 pages for a common word over a
million notes, 10-15 ms the first time (docs/benchmarks.md). A plain ordered table answers in one range read.

The terms are the index's own: texts go through a scratch FTS5 table with the same tokenizer, so folding
("Études" -> "etudes") and word breaks are FTS5's; only plain ASCII text, where the tokenizer's rule is one line,
is split here (a property test holds the two to the same result). A term is dropped only once no indexed row has
it, so the list never misses a term the index has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

# search_index's tokenizer (migration 0001); tests/services/test_search.py checks they stay the same.
TOKENIZE = "unicode61 remove_diacritics 2"
# A contentless, in-memory (temp_store=MEMORY) FTS5 table used only to split texts into terms; emptied after each
# use. Temp objects live with the database connection; IF NOT EXISTS because a rolled-back transaction takes a
# temp table created inside it away again.
_SCRATCH = ("CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_scratch USING fts5(body, content='', detail=none, "
            f"tokenize='{TOKENIZE}')")
_SCRATCH_TERMS = "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_scratch_terms USING fts5vocab(search_scratch, 'row')"
# What that tokenizer makes of ASCII text: runs of letters and digits, lower-cased (every other ASCII character
# separates; there are no diacritics to remove). tests/services/test_search.py holds it to the scratch table.
_ASCII_TERM = re.compile(r"[a-z0-9]+")


def terms_of(conn: Any, bodies: Iterable[str]) -> set[str]:
    """The terms the index makes of ``bodies``."""
    texts = [b for b in bodies if b]
    if all(t.isascii() for t in texts):  # most notes: no scratch table (~0.3 ms per typed line)
        return {w for t in texts for w in _ASCII_TERM.findall(t.lower())}
    return split_by_fts5(conn, texts)


def split_by_fts5(conn: Any, texts: list[str]) -> set[str]:
    """The terms of ``texts`` as the scratch FTS5 table, with the index's tokenizer, makes them."""
    if not texts:
        return set()
    conn.exec_driver_sql(_SCRATCH)
    conn.exec_driver_sql(_SCRATCH_TERMS)
    conn.exec_driver_sql("INSERT INTO temp.search_scratch(body) VALUES (?)", [(t,) for t in texts])
    terms = set(conn.exec_driver_sql("SELECT term FROM temp.search_scratch_terms").scalars())
    conn.exec_driver_sql("INSERT INTO temp.search_scratch(search_scratch) VALUES ('delete-all')")
    return terms


def remember_terms(conn: Any, terms: set[str]) -> None:
    """Add the terms of rows just indexed."""
    if terms:
        conn.exec_driver_sql("INSERT OR IGNORE INTO search_term(term) VALUES (?)", [(t,) for t in sorted(terms)])


def drop_index_rows(conn: Any, fts_rowids: list[int]) -> set[str]:
    """Delete index rows; return their terms, to pass to ``forget_unused_terms`` once the transaction's new rows are in."""
    if not fts_rowids:
        return set()
    marks = ",".join("?" * len(fts_rowids))
    bodies = conn.exec_driver_sql(f"SELECT body FROM search_index WHERE rowid IN ({marks})", tuple(fts_rowids))
    terms = terms_of(conn, bodies.scalars())
    conn.exec_driver_sql(f"DELETE FROM search_index WHERE rowid IN ({marks})", tuple(fts_rowids))
    return terms


def forget_unused_terms(conn: Any, terms: set[str]) -> None:
    """Drop the terms no indexed row has any more (the words of a removed case do not linger in the list). Asking
    the index for one row of an exact term reads only where that term starts."""
    gone = [(t,) for t in sorted(terms)
            if conn.exec_driver_sql("SELECT 1 FROM search_index WHERE search_index MATCH ? LIMIT 1",
                                    ('"' + t.replace('"', '""') + '"',)).first() is None]
    if gone:
        conn.exec_driver_sql("DELETE FROM search_term WHERE term = ?", gone)
