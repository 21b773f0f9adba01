"""What the journal keeps of outbound calls (campaign dials, their outcomes, AMD
verdicts, opt-outs, agents' dispositions). These facts sit with acd's cores, not in the
dialer, because the journal's registry and the reports read them and acd's cores never
import the dialer (the dialer builds on them, one way)."""
