"""Reading the positions: views (tables for pages), grouping (statements), shifts, stats, negotiation."""
