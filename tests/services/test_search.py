"""How typed text becomes a full-text query: the word being typed is expanded into the indexed terms it starts
(FTS5 reads exact terms lazily, newest first), and that must find exactly what the plain prefix query finds."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from esp_desktop.services import search
from esp_desktop.services.search import fts_query
from esp_desktop.store import search_terms
from tests.helpers.cases import enrolled
from tests.helpers.terms import indexed_terms, listed_terms

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
@example(q="_-a")  # a "word" of underscores alone once made the whole query match nothing
@example(q="fr _")
@example(q="_")
def test_expanded_query_finds_what_the_prefix_query_finds(notes, q: str) -> None:
    assert [h.record_id for h in notes.search.search(q)] == reference_hits(notes, q)


# What a CT does to notes: add one, rewrite one, delete some, bring deleted ones back.
edits = st.lists(st.tuples(st.sampled_from(["add", "edit", "delete", "restore"]), st.integers(0, 1000),
                           st.lists(st.sampled_from(VOCAB), min_size=1, max_size=4).map(" ".join)),
                 min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=edits, q=queries)
def test_the_term_list_follows_every_edit(notes, steps: list[tuple[str, int, str]], q: str) -> None:
    """After any edits the term list holds exactly the index's terms, and search still finds what the prefix
    query finds (a term missing from the list would lose hits; a stale one would keep a removed word)."""
    obs = notes.observations.for_educator(notes.caseload.educators()[0].id)[0]
    for action, n, words in steps:
        live = notes.observations.notes(obs.id)
        if action == "add" or not live:
            notes.observations.add_note(observation_id=obs.id, text=words)
        elif action == "edit":
            notes.observations.edit_note(live[n % len(live)].id, text=words)
        elif action == "delete":
            notes.observations.delete_notes([live[n % len(live)].id, live[(n * 7) % len(live)].id])
        else:
            with notes.store.session() as s:
                gone = list(s.execute(text("SELECT id FROM script_note WHERE deleted")).scalars())
            if gone:
                notes.observations.restore_notes([gone[n % len(gone)]])
    assert listed_terms(notes.store) == indexed_terms(notes.store)
    assert [h.record_id for h in notes.search.search(q)] == reference_hits(notes, q)


def test_a_removed_word_leaves_the_term_list_and_a_kept_one_stays(svc) -> None:
    e = enrolled(svc)
    o = svc.observations.start(educator_id=e.id, kind="announced")
    a = svc.observations.add_note(observation_id=o.id, text="Études on fractions")
    b = svc.observations.add_note(observation_id=o.id, text="Fractions with Okonkwo")
    assert {"etudes", "fractions", "okonkwo", "on", "with"} <= listed_terms(svc.store)
    svc.observations.edit_note(a.id, text="Fractions again")
    assert "etudes" not in listed_terms(svc.store) and "fractions" in listed_terms(svc.store)
    svc.observations.delete_notes([b.id])
    assert "okonkwo" not in listed_terms(svc.store) and "fractions" in listed_terms(svc.store)
    assert listed_terms(svc.store) == indexed_terms(svc.store)
    assert [h.record_id for h in svc.search.search("frac")] == [a.id]
    assert svc.search.search("okon") == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(alphabet=st.characters(max_codepoint=127)), min_size=1, max_size=3))
def test_ascii_text_splits_as_fts5_splits_it(store, texts: list[str]) -> None:
    with store.session() as s:
        assert search_terms.terms_of(s.connection(), texts) == search_terms.split_by_fts5(s.connection(), texts)


def test_the_term_list_splits_words_as_the_index_does(store) -> None:
    with store.session() as s:
        schema = s.execute(text("SELECT sql FROM sqlite_master WHERE name = 'search_index'")).scalar()
        assert f"tokenize = '{search_terms.TOKENIZE}'" in schema
        terms = search_terms.terms_of(s.connection(), ["x_y Zoë naïve 2nd think-aloud ÉTUDES"])
    assert terms == {"x", "y", "zoe", "naive", "2nd", "think", "aloud", "etudes"}


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
