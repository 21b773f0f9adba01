"""Lead lists: the people a campaign calls, read from operators' CSV files (docs/leads.md).

``columns`` (which CSV column holds what), ``decode`` (a file's bytes to text),
``csv_read`` (``read_leads``: the file's leads and rejected rows), ``rows`` (one row
checked, two rows of one number merged), ``cells`` (one value: zone, postcode, date,
yes/no), ``lead`` (Lead, ConsentEvidence, Rejection, ImportResult).
"""
