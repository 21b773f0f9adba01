"""Outbound predictive dialer: pacing and compliance rules (pure cores)."""
