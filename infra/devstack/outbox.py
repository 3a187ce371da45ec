"""What the local stack has sent: emails (moto's SES) and SMS (moto's SNS), oldest first.

The local stack serves them on its site port, as JSON at ``/_outbox.json`` and as a page at
``/_outbox/`` (moto runs in the same process, so its backends are read directly). ``make
outbox`` (``python -m devstack.outbox``) prints them; ``--to ADDRESS`` keeps one recipient's,
``--json`` prints the JSON.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import html
import json
import os
import sys
import urllib.request
from typing import Any

from devstack.template import ACCOUNT_ID, REGION


def _raw_email(message_id: str, source: str, raw: str) -> dict[str, Any]:
    parsed = email.message_from_string(raw, policy=email.policy.default)
    text = parsed.get_body(preferencelist=("plain",))
    rich = parsed.get_body(preferencelist=("html",))
    return {
        "kind": "email",
        "id": message_id,
        "from": source,
        "to": [str(a) for a in parsed.get_all("To", [])],
        "subject": str(parsed.get("Subject", "")),
        "body": text.get_content() if text is not None else "",
        "html": rich.get_content() if rich is not None else None,
        "headers": {k: str(v) for k, v in parsed.items() if k.lower().startswith("list-")},
    }


def sent() -> list[dict[str, Any]]:
    """Every email and SMS moto has sent in this process."""
    from moto.ses.models import Message, RawMessage, ses_backends
    from moto.sns.models import sns_backends

    found: list[dict[str, Any]] = []
    for message in ses_backends[ACCOUNT_ID][REGION].sent_messages:
        if isinstance(message, RawMessage):
            found.append(_raw_email(message.id, message.source, message.raw_data))
        elif isinstance(message, Message):
            to = [
                a
                for field in ("ToAddresses", "CcAddresses", "BccAddresses")
                for a in message.destinations.get(field, [])
            ]
            found.append(
                {"kind": "email", "id": message.id, "from": message.source, "to": to, "subject": message.subject}
                | {"body": message.body, "html": None, "headers": {}}
            )
    for message_id, entry in sns_backends[ACCOUNT_ID][REGION].sms_messages.items():
        found.append({"kind": "sms", "id": message_id, "to": [entry[0]], "body": entry[1]})
    return found


def page(messages: list[dict[str, Any]]) -> str:
    """A plain page listing them, newest first (for a browser on the site port)."""
    rows = []
    for m in reversed(messages):
        who = html.escape(", ".join(m["to"]))
        subject = html.escape(m.get("subject") or "SMS")
        rows.append(
            f"<article><h2>{subject}</h2><p><b>{m['kind']}</b> to {who}</p><pre>{html.escape(m['body'])}</pre></article>"
        )
    body = "".join(rows) or "<p>Nothing sent yet.</p>"
    return f'<!doctype html><meta charset="utf-8"><title>Local outbox</title><h1>Sent by the local stack</h1>{body}'


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--to", help="only what was sent to this address or number")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    url = f"http://127.0.0.1:{os.environ.get('SITE_PORT', '8080')}/_outbox.json"
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            messages: list[dict[str, Any]] = json.load(answer)
    except OSError as error:
        print(f"no local stack answers on {url} ({error}); start it with `make dev`", file=sys.stderr)
        return 1
    if args.to:
        messages = [m for m in messages if any(args.to.lower() == t.lower() for t in m["to"])]
    if args.json:
        print(json.dumps(messages, indent=2, ensure_ascii=False))
        return 0
    for m in messages:
        print(f"--- {m['kind']} to {', '.join(m['to'])}" + (f": {m['subject']}" if m.get("subject") else ""))
        print(m["body"].strip())
    print(f"({len(messages)} sent)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
