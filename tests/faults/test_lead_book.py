"""The lead book on a real SQLite file, and the campaign's calling rules read from it:
an attempt is on disk before its dial, a restart closes the ones left open, opt-outs
apply to every campaign, the French 4-per-30-days limit counts every campaign's dials."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from acd.adapters.dialer.book import BookLead, LeadBook
from acd.adapters.dialer.checks import CampaignChecks, company_list
from acd.core.compliance import Consent, DoNotCall
from acd.core.compliance.attempts import DialOutcome
from acd.core.compliance.rule_set import Purpose
from dialer.campaign.model import Campaign, Mode

MONDAY_11 = datetime.fromisoformat("2026-12-07T11:00+01:00").timestamp()
SATURDAY_11 = datetime.fromisoformat("2026-12-05T11:00+01:00").timestamp()
ANN, BOB = "+33612345678", "+33612345679"
CONSENT = Consent(MONDAY_11 - 86_400 * 90, "web form", "form v3", "Acme")


def _campaign(name: str = "renewals", purpose: Purpose = Purpose.PROSPECTING) -> Campaign:
    return Campaign(
        name=name,
        source=f"{name}.yaml",
        mode=Mode.PROGRESSIVE,
        trunk="carrier",
        caller_id="+33170000000",
        information_message="Acme, 01 70 00 00 00.",
        queue="sales",
        purpose=purpose,
    )


def test_attempts_are_durable_and_a_restart_closes_the_open_ones(tmp_path: Path) -> None:
    book = LeadBook(tmp_path / "journal.sqlite3")
    assert book.add("renewals", [BookLead(ANN), BookLead(BOB)], at=100.0) == (2, 0)
    assert book.due("renewals", 100.0, 5, set()) == [ANN, BOB]
    assert book.begin("renewals", ANN, "call-1", 101.0) == 1
    assert book.due("renewals", 200.0, 5, set()) == [BOB]  # off the list while dialled
    book.close()  # the server is killed here
    again = LeadBook(tmp_path / "journal.sqlite3")
    assert again.close_interrupted(300.0) == [("renewals", ANN, 1)]
    assert [a.outcome for a in again.history("renewals", ANN)] == [DialOutcome.FAILED]
    assert again.begin("renewals", ANN, "call-2", 400.0) == 2  # never attempt 1 twice
    assert again.add("renewals", [BookLead(ANN, name="Ann")], at=500.0) == (0, 1)
    again.close()


def test_the_rules_read_consent_opt_outs_and_dials_from_the_book(tmp_path: Path) -> None:
    book = LeadBook(tmp_path / "journal.sqlite3")
    checks = CampaignChecks(book, company_list(DoNotCall(), ()))
    book.add("renewals", [BookLead(ANN, consent=CONSENT), BookLead(BOB)], at=0.0)
    campaign = _campaign()
    assert checks.check(campaign, ANN, MONDAY_11).allowed
    assert checks.check(campaign, BOB, MONDAY_11).refused_by == ("consent",)
    assert checks.check(campaign, ANN, SATURDAY_11).refused_by == ("calling_window",)
    for i in range(4):  # another campaign's dials count too: one professional
        attempt = book.begin("other", ANN, f"c{i}", MONDAY_11 - 86_400 * (i + 1))
        book.end("other", ANN, attempt, DialOutcome.NO_ANSWER, MONDAY_11)
    assert checks.check(campaign, ANN, MONDAY_11).refused_by == ("attempts_30_days",)
    book.opt_out(BOB, MONDAY_11, "keypress")
    existing = _campaign("service", Purpose.EXISTING_CUSTOMER)
    book.add("service", [BookLead(BOB)], at=0.0)
    assert checks.check(existing, BOB, MONDAY_11).refused_by == ("do_not_call",)
    book.close()
