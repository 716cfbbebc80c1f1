"""Shared test helpers, imported as ``tests.helpers.<module>`` (fixtures stay in conftest.py files).

- ``env``: the test passphrase, the fixed test day, ``require()`` (skip locally, fail under CI=true).
- ``qt``: main window over a copied store, typing the passphrase, driving modal dialogs, ``need_qt()``.
- ``central``: a real esp-central in a thread and builders of sync envelopes; ``server_fixtures`` the pytest
  fixtures serving it (SQLite or a throw-away PostgreSQL cluster), registered by tests/conftest.py.
- ``capture_child``: the child process of the observation crash test.
"""
