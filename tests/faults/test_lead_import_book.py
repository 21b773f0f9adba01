"""Lead files read (dialer/leads) and stored in the lead book on a real SQLite file, as
`acd dialer import` does: a second import updates the leads already there and keeps
their attempts; the consent evidence and the postcode's zone reach the calling rules."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from acd.adapters.dialer.book import BookLead, LeadBook, book_lead
from acd.adapters.dialer.checks import CampaignChecks, company_list
from acd.core.compliance import Consent, DoNotCall
from acd.core.compliance.attempts import DialOutcome
from dialer.campaign.model import Campaign, Mode
from dialer.leads.columns import LeadColumns
from dialer.leads.csv_read import read_leads
from dialer.leads.decode import decode_csv

COLUMNS = LeadColumns(
    postcode="cp",
    consent_at="consent",
    consent_channel="channel",
    consent_proof="proof",
    consent_scope="scope",
)
ANN, BOB, EVE = "+33612345678", "+33612345679", "+33612345680"
SEPT_1 = datetime.fromisoformat("2026-09-01T00:00Z").timestamp()
MONDAY_11_PARIS = datetime.fromisoformat("2026-12-07T11:00+01:00").timestamp()  # 6:00 in GP


def _import(book: LeadBook, data: bytes, at: float) -> tuple[int, int]:
    found = read_leads(decode_csv(data), "leads.csv", COLUMNS)
    leads = [book_lead(x) for x in found.leads.values()]
    return book.add("renewals", leads, at)


def test_a_second_import_updates_the_leads_and_keeps_their_attempts(tmp_path: Path) -> None:
    book = LeadBook(tmp_path / "journal.sqlite3")
    first = (
        "phone,name,cp,consent,channel,proof,scope\n06 12 34 56 78,Ann,,,,,\n0612345679,Bob,,,,,\n"
    )
    assert _import(book, first.encode("cp1252"), at=100.0) == (2, 0)
    attempt = book.begin("renewals", ANN, "call-1", 200.0)
    book.end("renewals", ANN, attempt, DialOutcome.NO_ANSWER, 230.0)
    second = (
        "phone,name,cp,consent,channel,proof,scope\n"
        "+33612345678,Anaïs,,2026-09-01,web,form v3,Acme\n0612345680,Eve,,,,,\n"
    )
    assert _import(book, second.encode("cp1252"), at=300.0) == (1, 1)
    consent = Consent(SEPT_1, "web", "form v3", "Acme")
    assert book.lead("renewals", ANN) == BookLead(ANN, "Anaïs", consent, False, "Europe/Paris")
    third = "phone,name,cp,consent,channel,proof,scope\n+33612345678,Ann,,,,,\n"
    assert _import(book, third.encode(), at=400.0) == (0, 1)
    found = book.lead("renewals", ANN)
    assert found is not None
    assert (found.name, found.consent) == ("Ann", consent)  # a file without consent keeps it
    assert [a.outcome for a in book.history("renewals", ANN)] == [DialOutcome.NO_ANSWER]
    assert [lead.number for lead in book.leads("renewals")] == [BOB, EVE]  # Ann: being dialled
    book.close()


def test_consent_and_the_postcode_zone_reach_the_calling_rules(tmp_path: Path) -> None:
    book = LeadBook(tmp_path / "journal.sqlite3")
    data = (
        "phone,name,cp,consent,channel,proof,scope\n"
        "0612345678,Ann,97110,2026-09-01,web,form v3,Acme\n0612345679,Bob,,,,,\n"
    )
    _import(book, data.encode(), at=0.0)
    checks = CampaignChecks(book, company_list(DoNotCall(), ()))
    campaign = Campaign(
        name="renewals",
        source="renewals.yaml",
        mode=Mode.PROGRESSIVE,
        trunk="carrier",
        caller_id="+33170000000",
        information_message="Acme, 01 70 00 00 00.",
        queue="sales",
        leads=COLUMNS,
    )
    assert checks.check(campaign, ANN, MONDAY_11_PARIS).refused_by == ("calling_window",)
    assert checks.check(campaign, BOB, MONDAY_11_PARIS).refused_by == ("consent",)
    book.close()
