"""Contact-centre server for Asterisk: the server, the ACD engine and the Asterisk adapters."""
