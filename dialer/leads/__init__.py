"""Lead lists: the people a campaign calls, read from operators' CSV files."""
