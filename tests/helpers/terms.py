"""The index's term list (table search_term) against what the index holds, worked out afresh."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text


def listed_terms(store: Any) -> set[str]:
    with store.session() as s:
        return set(s.execute(text("SELECT term FROM search_term")).scalars())


def indexed_terms(store: Any) -> set[str]:
    """The terms of every row now in the search index: its texts put into a new FTS5 table with the index's own
    tokenizer (as written in the store's schema), and that table's vocabulary read."""
    with store.session() as s:
        conn = s.connection()
        schema = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'search_index'").scalar()
        tokenize = schema.split("tokenize", 1)[1].split("'")[1]
        conn.exec_driver_sql(f"CREATE VIRTUAL TABLE temp.fresh USING fts5(body, tokenize='{tokenize}')")
        conn.exec_driver_sql("CREATE VIRTUAL TABLE temp.fresh_vocab USING fts5vocab(fresh, 'row')")
        conn.exec_driver_sql("INSERT INTO temp.fresh(body) SELECT body FROM search_index")
        terms = set(conn.exec_driver_sql("SELECT term FROM temp.fresh_vocab").scalars())
        conn.exec_driver_sql("DROP TABLE temp.fresh_vocab")
        conn.exec_driver_sql("DROP TABLE temp.fresh")
        return terms
