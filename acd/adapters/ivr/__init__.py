"""IVR menus on live calls: the pure IVR session (ivr/) driven over FastAGI — prompts
played, keys and spoken answers read, CRM lookups, the caller handed to a queue."""
