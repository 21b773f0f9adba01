"""Predictive pacing (issue 14): how many calls a predictive campaign has in flight, from
the campaign's own recent history, under the abandon-rate target of its rule set. Pure:
events and the time come in, a decision goes out. The server (acd/adapters/dialer) and
the benchmark's virtual-clock simulation (bench/dialer_efficiency.py) drive the same
code through the interface in ``model``."""
