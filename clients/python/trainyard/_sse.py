"""Reads a text/event-stream (the WHATWG server-sent events format) from a binary stream."""

from typing import Dict, Iterator


def events(stream) -> Iterator[Dict[str, str]]:
    """Yields each event as {"id", "event", "data"}; ends when the stream does."""
    event = {"id": "", "event": "message", "data": []}
    for raw in stream:
        line = raw.decode("utf-8").rstrip("\r\n")
        if not line:
            if event["data"]:
                yield {"id": event["id"], "event": event["event"], "data": "\n".join(event["data"])}
            event = {"id": event["id"], "event": "message", "data": []}
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "data":
            event["data"].append(value)
        elif field in ("id", "event"):
            event[field] = value
