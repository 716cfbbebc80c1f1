"""How typed text becomes a full-text query: the word being typed is expanded into the indexed terms it starts
(FTS5 reads exact terms lazily, newest first), and that must find exactly what the plain prefix query finds."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from esp_desktop.services import search
from esp_desktop.services.search import fts_query
from tests.helpers.cases import enrolled

VOCAB = ["fraction", "fractions", "frame", "frames", "free", "exit", "exiting", "ticket", "tickets", "Zoë",
         "naïve", "co-teach", "2nd", "x_y", "student", "students", "studio", "Études", "think-aloud"]


def reference_query(user_text: str) -> str | None:
    """The query as built before expansion: every word exact, the last one a prefix while it is being typed."""
    words = re.findall(r"\w+", user_text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    if re.match(r"\w", user_text[-1]):
        quoted[-1] += "*"
    return " ".join(quoted)


def reference_hits(svc, user_text: str, limit: int = 50) -> list[str]:
    q = reference_query(user_text)
    if q is None:
        return []
    with svc.store.session() as s:
        return list(s.execute(text("SELECT record_id FROM search_index WHERE search_index MATCH :q "
                                   "ORDER BY rowid DESC LIMIT :n"), {"q": q, "n": limit}).scalars())


@pytest.fixture
def notes(svc):
    e = enrolled(svc)
    o = svc.observations.start(educator_id=e.id, kind="announced")
    rnd = random.Random(7)
    for _ in range(40):
        svc.observations.add_note(observation_id=o.id, text=" ".join(rnd.choices(VOCAB, k=4)))
    return svc


def typed(draw_words: list[str], cut: int, tail: str, upper: bool) -> str:
    words = list(draw_words)
    if cut:
        words[-1] = words[-1][: max(1, len(words[-1]) - cut)]
    s = " ".join(words) + tail
    return s.upper() if upper else s


queries = st.builds(typed, st.lists(st.sampled_from(VOCAB + ["fr", "st", "zz", "ex"]), min_size=1, max_size=3),
                    st.integers(0, 6), st.sampled_from(["", "", " ", ",", "-"]), st.booleans())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=queries | st.text(alphabet="frac tiëz_-\"*()", max_size=12))
def test_expanded_query_finds_what_the_prefix_query_finds(notes, q: str) -> None:
    assert [h.record_id for h in notes.search.search(q)] == reference_hits(notes, q)


def test_too_many_terms_stay_a_prefix_query(notes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search, "EXPAND_MOST", 1)  # "fr" starts five indexed terms
    with notes.store.session() as s:
        assert search.prefix_terms(s, "fr", 1) is None
        assert search.prefix_terms(s, "fr", 5) == ["fraction", "fractions", "frame", "frames", "free"]
        assert search.prefix_terms(s, "zz") == []
    assert [h.record_id for h in notes.search.search("fr")] == reference_hits(notes, "fr")


def test_only_the_word_being_typed_is_a_prefix() -> None:
    terms = {"fr": ["fraction", "frame"], "ti": ["ticket"]}
    assert fts_query("exit fr", terms.get) == '"exit" AND ("fraction" OR "frame")'
    assert fts_query("exit fr ", terms.get) == '"exit" AND "fr"'  # a finished word is matched exactly
    assert fts_query("exit zz", terms.get) == '"exit" AND "zz"*'  # no such term: the plain prefix finds nothing
    assert fts_query("Zoë", terms.get) == '"Zoë"*'  # folded by FTS5 itself, not expanded
    assert fts_query("exit fr", None) == '"exit" AND "fr"*'
    assert fts_query(" ,; ") is None


def test_a_finished_word_does_not_match_longer_words(notes) -> None:
    assert notes.search.search("exit")  # "exit" and "exiting" notes
    exact = notes.search.search("exit ")
    assert exact and len(exact) < len(notes.search.search("exit"))
    assert all(re.search(r"\[exit\]", h.snippet, re.I) for h in exact)
