"""The compliance dashboard and its item model."""
