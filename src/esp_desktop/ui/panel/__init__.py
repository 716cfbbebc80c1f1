"""Panel meetings: agendas and decisions."""
