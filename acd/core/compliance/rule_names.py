"""The names of the calling rules, as verdicts, the journal (``DialChecked.refused_by``),
reports and retry policies spell them. Stable: they are stored; never rename one.
What each rule checks and the data it needs: docs/compliance-rules.md."""

from __future__ import annotations

DO_NOT_CALL = "do_not_call"  # a do-not-call list or an opt-out has the number
REGISTRY_FRESH = "registry_fresh"  # national registry data recent enough (US: 31 days)
DESTINATION = "destination"  # an allowed country and kind (never premium or shared cost)
CALLING_WINDOW = "calling_window"  # legal hours in every zone the person may be in
CONSENT = "consent"  # provable consent, where the rule set or an automated call needs it
ATTEMPTS_30_DAYS = "attempts_30_days"  # FR: at most 4 calls or attempts per 30 days
AFTER_REFUSAL = "after_refusal"  # FR: none for 60 days after a refusal during a call
AFTER_ABANDON_72H = "after_abandon_72h"  # UK: none for 72 h after an abandoned call
CALLER_ID = "caller_id"  # a valid number shown; FR automated calls: ARCEP ranges
CALLING_HOURS = "calling_hours"  # callbacks (check_dial): the queue's calling hours

CAMPAIGN_RULES = (
    DO_NOT_CALL,
    REGISTRY_FRESH,
    DESTINATION,
    CALLING_WINDOW,
    CONSENT,
    ATTEMPTS_30_DAYS,
    AFTER_REFUSAL,
    AFTER_ABANDON_72H,
    CALLER_ID,
)
