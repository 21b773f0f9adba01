"""A person's consent to be called, as the professional must be able to prove it
(compliance.md, France from 11 August 2026: Code de la consommation L. 223-1; automated
calls: CPCE L. 34-5): when it was given, through which channel, the proof (the wording
shown, a form log, a recording), its scope (which professional or partners), and its
withdrawal, if any. Consent missing any of these proves nothing, and is not counted."""

from __future__ import annotations

import hashlib
from collections.abc import Set
from dataclasses import dataclass


@dataclass(frozen=True)
class Consent:
    given_at: float  # epoch seconds
    channel: str  # "web form", "paper", "phone"...
    proof: str  # the wording shown, or a reference to the form log or recording
    scope: str  # the professional (or partners) it was given to
    withdrawn_at: float | None = None  # epoch seconds; None: not withdrawn
    record: str = ""  # the record's id in the operator's system (for the audit)

    def in_force(self, at: float, scopes: Set[str] = frozenset()) -> bool:
        """Given (with its channel, proof and scope) by ``at`` and not withdrawn by then;
        when ``scopes`` is not empty, its scope must be one of them."""
        if not (self.channel.strip() and self.proof.strip() and self.scope.strip()):
            return False
        if scopes and self.scope.strip() not in scopes:
            return False
        withdrawn = self.withdrawn_at is not None and self.withdrawn_at <= at
        return self.given_at <= at and not withdrawn

    @property
    def version(self) -> str:
        """How the audit record names it: its record id, or a hash of its content."""
        if self.record:
            return self.record
        content = "\n".join(
            (repr(self.given_at), self.channel, self.proof, self.scope, repr(self.withdrawn_at))
        )
        return hashlib.sha256(content.encode()).hexdigest()[:16]
