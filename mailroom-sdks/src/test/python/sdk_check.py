"""Drives a running Mailroom through the generated Python client (python-pydantic-v1) and prints
one JSON object with what it saw; SdkClientsIT asserts on it. Needs MAILROOM_URL, MAILROOM_KEY and
RUN_TAG (makes this run's addresses and member ids its own)."""
import json
import os
import time

import mailroom_client
from mailroom_client.rest import ApiException

base_url = os.environ["MAILROOM_URL"]
key = os.environ["MAILROOM_KEY"]
tag = os.environ["RUN_TAG"]
member_id = f"py-member-{tag}"


def client(access_token):
    return mailroom_client.ApiClient(mailroom_client.Configuration(host=base_url, access_token=access_token))


api = client(key)
messages = mailroom_client.MessagesApi(api)
members = mailroom_client.MembersApi(api)


def email(i, to=None):
    return mailroom_client.SubmissionRequest.from_dict({
        "from": {"email": "app@example.com", "name": "Example"},
        "to": to or [{"email": f"py-{tag}-{i}@example.org", "name": "Ada", "memberId": member_id}],
        "subject": f"Python {i}",
        "text": "Hello from the generated Python client",
        "tags": ["sdk-py"],
    })


def problem_of(call):
    """A refused request must come back as problem+json the generated Problem model reads."""
    try:
        call()
    except ApiException as e:
        problem = mailroom_client.Problem.from_json(e.body)
        return {
            "httpStatus": e.status,
            "contentType": e.headers.get("Content-Type"),
            "status": problem.status,
            "title": problem.title,
            "fields": [error.field for error in (problem.errors or [])],
        }
    return {"httpStatus": 0, "error": "no error raised"}


submitted = messages.submit_message(email(0))

batch = messages.submit_message_batch(mailroom_client.MessageBatch(messages=[email(1), email(2)]))

# The message is readable once the operator has recorded it (404 until then), and the sandbox reports
# DELIVERED a moment after dispatch: wait for both (bounded), not for a fixed time.
deadline = time.monotonic() + 60
timeline, status = [], None
while time.monotonic() < deadline:
    try:
        message = messages.get_message(str(submitted.id))
        timeline = [activity.status for activity in (message.activities or [])]
        status = message.status
        if "DELIVERED" in timeline:
            break
    except ApiException as e:
        if e.status != 404:
            raise
    time.sleep(0.2)

page = members.list_members(member_id=member_id)

invalid = problem_of(lambda: messages.submit_message(email(3, to=[{"email": "not-an-address"}])))

strangers = mailroom_client.MessagesApi(client("mr_not-a-key"))
unauthorized = problem_of(lambda: strangers.get_message(str(submitted.id)))

print(json.dumps({
    "submitted": {"id": str(submitted.id), "status": submitted.status},
    "batch": {
        "accepted": batch.accepted,
        "results": [{"status": r.status, "id": str(r.id)} for r in (batch.results or [])],
    },
    "message": {"status": status, "timeline": timeline},
    "members": [{"memberId": m.member_id, "messages": m.messages} for m in (page.items or [])],
    "invalid": invalid,
    "unauthorized": unauthorized,
}))
