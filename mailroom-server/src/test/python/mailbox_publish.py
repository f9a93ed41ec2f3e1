#!/usr/bin/python3
"""Publishes one email to Mailroom's mailbox from Python, knowing nothing of Mailroom but docs/api/asyncapi.yaml.

Every name it uses -- the exchange, the routing key, the message type, the message_id rule, the AMQP properties,
the header names of the proof of organization and how to compute them -- is read from the AsyncAPI document.
Before publishing, it checks its signing against the document's test vector, so a document whose algorithm text
and vector disagree fails here, not in Mailroom.

Needs Debian's python3-amqp and python3-yaml (run it with /usr/bin/python3). Used by AsyncApiPythonPublisherTest;
by hand:

    /usr/bin/python3 mailbox_publish.py --asyncapi docs/api/asyncapi.yaml --host 127.0.0.1 --port 5673 \
        --user mailroom --password "$(cat mailroom-data/broker/amqp-password)" --api-key "$MAILROOM_KEY" \
        --to ada@example.org

Prints one JSON line: {"messageId": ..., "exchange": ..., "routingKey": ..., "type": ..., "keyId": ...}. With --cancel ID it publishes
the document's cancel message for that email instead.
"""

import argparse
import base64
import datetime
import hashlib
import hmac
import json
import sys
import uuid

import amqp
import yaml


def load_contract(path, channel_name, message_name):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if not str(doc.get("asyncapi", "")).startswith("3."):
        raise SystemExit(f"{path} is not an AsyncAPI 3 document")
    channel = doc["channels"][channel_name]
    message = resolve(doc, channel["messages"][message_name])
    return doc, channel, message


def resolve(doc, node):
    """Follows a local $ref ('#/a/b') of the document."""
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not ref.startswith("#/"):
            raise SystemExit(f"only local references are supported, not {ref}")
        node = doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


class Proof:
    """The proof of organization exactly as the document's x-mailroom-proof describes it."""

    def __init__(self, spec):
        self.key_id_header = spec["keyIdHeader"]
        self.signature_header = spec["signatureHeader"]
        self.version = spec["signatureVersion"]
        self.key_id_context = spec["keyIdContext"]

    def key_id(self, api_key):
        return hashlib.sha256((self.key_id_context + api_key).encode("utf-8")).hexdigest()

    @staticmethod
    def signing_key(api_key):
        return hashlib.sha256(api_key.encode("utf-8")).digest()

    def signature(self, signing_key, message_id, message_type, body):
        signed = message_id.encode("utf-8") + b"\n" + message_type.encode("utf-8") + b"\n" + body
        mac = hmac.new(signing_key, signed, hashlib.sha256).digest()
        return self.version + base64.b64encode(mac).decode("ascii")

    def check_test_vector(self, vector):
        key_id = self.key_id(vector["apiKey"])
        signature = self.signature(
            self.signing_key(vector["apiKey"]), vector["messageId"], vector["type"], vector["body"].encode("utf-8")
        )
        if key_id != vector["keyId"] or signature != vector["signature"]:
            raise SystemExit(
                "the document's test vector does not verify: "
                f"keyId {key_id} (document: {vector['keyId']}), signature {signature} (document: {vector['signature']})"
            )


def message_id_for(template, payload):
    """Fills the document's x-mailroom-message-id template ('{id}', 'cancel:{messageId}') from the payload."""
    return template.format(**{k: v for k, v in payload.items() if isinstance(v, str)})


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--asyncapi", required=True, help="path of docs/api/asyncapi.yaml")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5673)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--vhost", default="/")
    parser.add_argument("--api-key", required=True, help="an API key of the organization, scope send")
    parser.add_argument("--to", help="the recipient of the email submitted")
    parser.add_argument("--send-at", default=None, help="an ISO-8601 instant to send the email at")
    parser.add_argument("--cancel", default=None, metavar="MESSAGE_ID", help="publish a cancel of this email instead")
    parser.add_argument("--subject", default="Hello from Python")
    parser.add_argument("--provider", default=None)
    parser.add_argument("--channel", default="mailbox", help="the document's channel: mailbox or mailboxBulk")
    parser.add_argument(
        "--forge",
        action="store_true",
        help="sign with another key than the one named in the key id header (Mailroom must refuse it)",
    )
    args = parser.parse_args()

    if (args.to is None) == (args.cancel is None):
        parser.error("give --to (submit an email) or --cancel (cancel one)")
    doc, channel, message = load_contract(args.asyncapi, args.channel, "cancel" if args.cancel else "submit")
    publish = channel["x-mailroom-publish"]
    exchange = publish["exchange"]
    routing_key = channel["address"]
    if publish["routingKey"] != routing_key:
        raise SystemExit(f"the document disagrees with itself: routing key {publish['routingKey']} vs {routing_key}")
    message_type = message["bindings"]["amqp"]["messageType"]
    properties = message["x-amqp-properties"]["properties"]
    if properties["type"]["const"] != message_type:
        raise SystemExit("the document disagrees with itself about the message type")
    content_type = properties["content_type"]["const"]
    delivery_mode = properties["delivery_mode"]["const"]

    proof = Proof(doc["x-mailroom-proof"])
    proof.check_test_vector(doc["x-mailroom-proof"]["testVector"])
    # The headers the document's schema requires must be the proof's two.
    header_schema = resolve(doc, message["headers"])
    if set(header_schema["required"]) != {proof.key_id_header, proof.signature_header}:
        raise SystemExit(f"unexpected required headers {header_schema['required']}")

    if args.cancel:
        payload = {
            "messageId": args.cancel,
            "requestedAt": datetime.datetime.now(datetime.timezone.utc).isoformat().replace("+00:00", "Z"),
        }
    else:
        payload = {
            "id": str(uuid.uuid4()),
            "email": {
                "from": {"email": "python@example.com", "name": "Python publisher"},
                "to": [{"email": args.to, "memberId": "python-1"}],
                "subject": args.subject,
                "text": "Sent from Python with python3-amqp, knowing only asyncapi.yaml.",
                "tags": ["asyncapi"],
            },
        }
        if args.provider:
            payload["provider"] = args.provider
        if args.send_at:
            payload["sendAt"] = args.send_at
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    message_id = message_id_for(message["x-mailroom-message-id"], payload)

    key_id = proof.key_id(args.api_key)
    signing_key = proof.signing_key(args.api_key + "-not-the-key" if args.forge else args.api_key)
    headers = {
        proof.key_id_header: key_id,
        proof.signature_header: proof.signature(signing_key, message_id, message_type, body),
    }

    returned = []
    with amqp.Connection(
        host=f"{args.host}:{args.port}",
        userid=args.user,
        password=args.password,
        virtual_host=args.vhost,
        connect_timeout=10,
        # basic_publish then puts the channel in confirm mode and waits for the broker's ack (raises on a nack).
        confirm_publish=True,
    ) as connection:
        connection.connect()
        ch = connection.channel()
        ch.events["basic_return"].add(lambda *a: returned.append(a))
        msg = amqp.Message(
            body,
            content_type=content_type,
            delivery_mode=delivery_mode,
            message_id=message_id,
            type=message_type,
            application_headers=headers,
        )
        ch.basic_publish(msg, exchange=exchange, routing_key=routing_key, mandatory=publish["mandatory"],
                         confirm_timeout=15)
        if returned:
            raise SystemExit(f"the broker returned the message as unroutable: {returned[0][0]}")
        ch.close()

    print(json.dumps({"messageId": message_id, "exchange": exchange, "routingKey": routing_key, "type": message_type,
                      "keyId": key_id}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
