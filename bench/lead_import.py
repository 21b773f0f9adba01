"""Lead import speed: a CSV file of leads read, checked and stored, as `acd dialer import`
does it (dialer/leads/csv_read.py, then the lead book in SQLite).

The file mixes the ways numbers are written (+33 6.., 06 .., 0033..), repeats some
numbers (merged) and has a few bad rows (reported). Goal (issue 13): 100,000 leads in
under 30 s on this machine. Last line: JSON with leads, seconds, leads_per_s, rejected.

    .venv/bin/python bench/lead_import.py [--leads 100000] [--quick]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from _quick import parse_args

from acd.adapters.dialer.book import BookLead, LeadBook
from dialer.leads.columns import LeadColumns
from dialer.leads.csv_read import read_leads

COLUMNS = LeadColumns(number="phone", name="name", consent_at="consent", postcode="postcode")


def make_csv(leads: int, seed: int) -> tuple[str, int]:
    """The file's text and how many bad rows it has."""
    rng = random.Random(seed)
    rows, bad = ["phone,name,consent,postcode"], 0
    for i in range(leads):
        digits = f"6{rng.randrange(10**8):08d}"
        written = rng.choice(
            (f"+33 {digits}", f"0{digits}", f"0033{digits}", f"0{digits[:1]} {digits[1:]}")
        )
        if i % 1000 == 999:
            written, bad = "n/a", bad + 1
        postcode = rng.choice(("75011", "97110", "69003", ""))
        rows.append(f"{written},Lead {i},{'2026-09-01' if i % 3 else ''},{postcode}")
    return "\n".join(rows) + "\n", bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parse_args(parser, {"leads": 2_000})
    text, bad = make_csv(args.leads, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        found = read_leads(text, "leads.csv", COLUMNS)
        parsed = time.perf_counter()
        book = LeadBook(Path(folder) / "journal.sqlite3")
        leads = [
            BookLead(x.number, x.name, x.consent, x.existing_contract, x.time_zone)
            for x in found.leads.values()
        ]
        new, _ = book.add("bench", leads, time.time())
        book.close()
        seconds = time.perf_counter() - started
    assert len(found.rejected) == bad, (found.rejected[:3], bad)
    print(f"{args.leads} rows: {new} leads stored, {found.merged} merged, {bad} rejected")
    stored = seconds - (parsed - started)
    print(f"read and checked in {parsed - started:.2f} s, stored in {stored:.2f} s")
    figures = {
        "leads": args.leads,
        "seconds": round(seconds, 3),
        "leads_per_s": round(args.leads / seconds),
        "rejected": len(found.rejected),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
