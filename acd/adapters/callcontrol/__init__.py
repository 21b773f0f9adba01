"""The ACD's hands on Asterisk: engine commands become AMI actions, AMI events become
engine events. Callers wait in [acd-hold]; agent legs are originated into [acd-agent-leg]
and bridged with the caller when the agent has answered (docs/callcontrol.md)."""
