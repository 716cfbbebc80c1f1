"""Learning Match screens that are not about one educator: the PL catalog, CT-led PD sessions."""
