"""Adapters: what connects the pure cores to the world. Call control over AMI and
FastAGI, the journal (SQLite) and queue_log, spoken prompts, the HTTP API and
Asterisk's voicemail spool."""
