"""Building the fields of an Originate action (pure; no I/O).

Originate is the one action the dialer cannot afford to get wrong: it is never re-sent
(a re-send is a second call to a customer), and it is always sent with "Async: true" so
that Asterisk answers at once ("successfully queued") and reports the outcome later in
an OriginateResponse event with the same ActionID.
"""

from __future__ import annotations

from collections.abc import Mapping

from acd.asterisk.ami.encoding import FieldValue
from acd.asterisk.ami.errors import AmiEncodeError


def originate_fields(
    channel: str,
    *,
    context: str | None,
    exten: str | None,
    priority: int | str | None,
    application: str | None,
    data: str | None,
    variables: Mapping[str, str] | None,
    caller_id: str | None,
    timeout_ms: int,
    extra: Mapping[str, FieldValue] | None,
) -> dict[str, FieldValue]:
    """The Originate fields for a dialplan target (context/exten/priority) or an
    application; raises AmiEncodeError for anything else."""
    fields: dict[str, FieldValue] = {"Channel": channel}
    dialplan = (context, exten, priority)
    if application is not None:
        if any(v is not None for v in dialplan):
            raise AmiEncodeError("Originate: give context/exten/priority or application, not both")
        fields["Application"] = application
        if data is not None:
            fields["Data"] = data
    elif all(v is not None for v in dialplan):
        fields.update(Context=str(context), Exten=str(exten), Priority=str(priority))
    else:
        raise AmiEncodeError("Originate needs context, exten and priority, or application")
    if caller_id is not None:
        fields["CallerID"] = caller_id
    fields["Timeout"] = str(timeout_ms)
    fields["Async"] = "true"
    if variables:
        # One "Variable: name=value" line each. Asterisk splits a Variable value on
        # unescaped commas, so a value holding a comma must escape it ("\\,").
        for name in variables:
            if "=" in name or not name:
                raise AmiEncodeError(f"Originate: bad variable name {name!r}")
        fields["Variable"] = [f"{k}={v}" for k, v in variables.items()]
    for key, value in (extra or {}).items():
        if key.lower() in {k.lower() for k in fields}:
            raise AmiEncodeError(f"Originate: {key!r} is set by originate() itself")
        fields[key] = value
    return fields
