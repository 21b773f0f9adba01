"""The project's own AMI (Asterisk Manager Interface) layer: a sans-I/O codec and a thin
asyncio client. See docs/ami.md for the API, the guarantees and why not panoramisk.

    client = AmiClient("127.0.0.1", 5038, "acd", "secret")
    await client.start()
    await client.wait_connected(timeout=10)
    client.subscribe(on_hangup, "Hangup")
    channels = await client.list_action("CoreShowChannels")
"""

from acd.asterisk.ami.client import AmiClient, AmiState
from acd.asterisk.ami.codec import DEFAULT_MAX_FRAME, AmiDecoder, encode_action
from acd.asterisk.ami.correlate import CLAIMED, Correlator, Done, Expect, ListResult
from acd.asterisk.ami.errors import (
    AmiActionFailed,
    AmiDisconnected,
    AmiEncodeError,
    AmiError,
    AmiLoginFailed,
    AmiNotConnected,
    AmiProtocolError,
    AmiTimeout,
)
from acd.asterisk.ami.message import (
    Action,
    AmiMessage,
    Banner,
    Event,
    Item,
    ProtocolViolation,
    Response,
)

__all__ = [
    "CLAIMED",
    "DEFAULT_MAX_FRAME",
    "Action",
    "AmiActionFailed",
    "AmiClient",
    "AmiDecoder",
    "AmiDisconnected",
    "AmiEncodeError",
    "AmiError",
    "AmiLoginFailed",
    "AmiMessage",
    "AmiNotConnected",
    "AmiProtocolError",
    "AmiState",
    "AmiTimeout",
    "Banner",
    "Correlator",
    "Done",
    "Event",
    "Expect",
    "Item",
    "ListResult",
    "ProtocolViolation",
    "Response",
    "encode_action",
]
