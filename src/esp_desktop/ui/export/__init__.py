"""Exporting PDFs for a chosen reader."""
