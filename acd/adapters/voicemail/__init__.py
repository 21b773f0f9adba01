"""Voicemail messages left by callers (Asterisk's app_voicemail spool), for
`acd voicemail list`."""

from acd.adapters.voicemail.spool import Message, MessageError, read_messages

__all__ = ["Message", "MessageError", "read_messages"]
