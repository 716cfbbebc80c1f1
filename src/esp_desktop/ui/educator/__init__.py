"""The educator page and its tabs (overview, evidence, coaching and contacts, history)."""
