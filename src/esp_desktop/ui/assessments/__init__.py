"""Assessments tab: formative assessments and summative recommendations (PAR only)."""
