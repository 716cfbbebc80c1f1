"""The caseload screen, its dialogs and table model."""
