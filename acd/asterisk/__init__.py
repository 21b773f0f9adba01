"""Adapters that talk to Asterisk: the AMI client (events, call control) and the FastAGI server
(per-call scripting). Each protocol is a sans-I/O codec (bytes in, messages out) wrapped by a
thin asyncio shell; the codecs import no asyncio and no socket."""
