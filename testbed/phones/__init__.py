"""Real SIP phones for the tests and the demo, driven by SIPp (Debian's sip-tester).

Callers dial in over the trunk from their own loopback address and press keys (RFC 2833)
or play audio; agent phones register with digest auth, ring, answer, talk and hang up.
SIPp does the signalling; an agent's audio goes to a Python RTP sink so a test can check
what the agent heard. Why SIPp and not pyVoIP or baresip: docs/phones.md.
"""

from testbed.phones.agent import AgentPhone, AgentPhoneSpec
from testbed.phones.caller import CallerPhone, CallerScript
from testbed.phones.rtp import RtpSink
from testbed.phones.sipp import SippError

__all__ = ["AgentPhone", "AgentPhoneSpec", "CallerPhone", "CallerScript", "RtpSink", "SippError"]
