"""The pure cores: the ACD engine, business hours, the configuration model and the KPI
reports. No I/O here (no asyncio, sockets, subprocesses, database or clock): time is an
argument, and the adapters around them do the talking (checked by lint-imports)."""
