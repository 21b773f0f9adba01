"""The outbound dialer (campaigns, pacing): the next pieces of work, see the open issues.
The calling rules it will enforce at dial time (E.164 numbers, do-not-call lists, legal
calling hours) are pure cores shared with callbacks, in acd/core/compliance/."""
