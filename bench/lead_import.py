"""Lead import speed: a CSV file of leads decoded, read, checked and stored, as `acd dialer
import` does it (dialer/leads: decode_csv, read_leads; then the lead book in SQLite).

The file mixes the ways numbers are written (+33 6 .., 06 .., 06.., 0033.., +33 (0)6..,
overseas 0690..), quoted names with the separator or a line break in them, postcodes
(mainland, overseas, a dropped leading 0), consent dates and date-times, yes/no; one row
in 100 repeats an earlier number in another form (merged) and one in 1,000 is bad (a
number, a date, a postcode or a yes/no: reported). Goal (issue 13): 100,000 leads in
under 30 s on this machine. Last line: JSON with leads, seconds, leads_per_s, rejected.

    .venv/bin/python bench/lead_import.py [--leads 100000] [--quick]
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import tempfile
import time
from pathlib import Path

from _quick import parse_args

from acd.adapters.dialer.book import LeadBook, book_lead
from dialer.leads.columns import LeadColumns
from dialer.leads.csv_read import read_leads
from dialer.leads.decode import decode_csv

COLUMNS = LeadColumns(
    number="phone",
    name="name",
    reference="ref",
    postcode="postcode",
    consent_at="consent",
    consent_channel="channel",
    existing_contract="client",
)
HEADER = ["phone", "name", "ref", "postcode", "consent", "channel", "client"]
BAD = (("n/a", 0), ("01/09/2026", 4), ("ABC", 3), ("maybe", 6))  # value, column


def written(digits: str, rng: random.Random) -> str:
    """One mobile number (``digits``: 6 or 7, then eight more) in one of the usual forms."""
    spaced = " ".join(digits[i : i + 2] for i in range(1, 9, 2))
    return rng.choice(
        (
            f"+33 {digits[0]} {spaced}",
            f"0{digits[0]} {spaced}",
            f"0{digits}",
            f"0033{digits}",
            f"0{digits[0]}.{spaced.replace(' ', '.')}",
            f"+33 (0){digits}",
        )
    )


def make_csv(leads: int, seed: int) -> tuple[bytes, int]:
    """The file's bytes (UTF-8 with a byte-order mark, as Excel saves) and how many bad
    rows it has."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    numbers: list[str] = []
    bad = 0
    for i in range(leads):
        if numbers and i % 100 == 50:
            digits = rng.choice(numbers)  # the same person again, written otherwise
        else:
            # Mainland mobiles: 06 and 07 but for 06 3x, 06 9x (some overseas) and 07 0x-2x.
            first = rng.choice("67")
            second = rng.choice("0124578" if first == "6" else "3456789")
            digits = f"{first}{second}{rng.randrange(10**7):07d}"
            numbers.append(digits)
        number = written(digits, rng) if i % 20 else f"0690{rng.randrange(10**6):06d}"
        name = rng.choice((f"Lead {i}", f"Dupont, Lead {i}", f"Hélène {i}"))
        if i % 5000 == 17:
            name += "\nbâtiment B"
        row = [
            number,
            name,
            f"C-{i}",
            rng.choice(("75011", "97110", "69003", "1000", "")),
            rng.choice(("2026-09-01", "2026-09-01T14:30:00+02:00", "")),
            rng.choice(("web form", "paper", "")),
            rng.choice(("oui", "non", "yes", "")),
        ]
        if i % 1000 == 999:
            value, column = BAD[(i // 1000) % len(BAD)]
            row[column], bad = value, bad + 1
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig"), bad


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parse_args(parser, {"leads": 2_000})
    data, bad = make_csv(args.leads, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        found = read_leads(decode_csv(data), "leads.csv", COLUMNS)
        parsed = time.perf_counter()
        book = LeadBook(Path(folder) / "journal.sqlite3")
        leads = [book_lead(x) for x in found.leads.values()]
        new, _ = book.add("bench", leads, time.time())
        book.close()
        seconds = time.perf_counter() - started
    assert len(found.rejected) == bad, ([str(r) for r in found.rejected[:3]], bad)
    assert new == len(found.leads) == found.rows - found.merged - bad
    print(f"{args.leads} rows: {new} leads stored, {found.merged} merged, {bad} rejected")
    stored = seconds - (parsed - started)
    print(f"decoded, read and checked in {parsed - started:.2f} s, stored in {stored:.2f} s")
    figures = {
        "leads": args.leads,
        "seconds": round(seconds, 3),
        "leads_per_s": round(args.leads / seconds),
        "rejected": len(found.rejected),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
