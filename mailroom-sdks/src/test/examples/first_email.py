import json
import os
import time

import mailroom_client

config = mailroom_client.Configuration(
    host=os.environ.get("MAILROOM_URL", "http://localhost:8080"),
    access_token=os.environ.get("MAILROOM_KEY") or open("mailroom-data/api-key").read().strip())

with mailroom_client.ApiClient(config) as api:
    messages = mailroom_client.MessagesApi(api)
    submitted = messages.submit_message(mailroom_client.SubmissionRequest.from_dict({
        "from": {"email": "app@example.com", "name": "Example"},
        "to": [{"email": "click+ada@example.org", "name": "Ada", "memberId": "user-42"}],
        "subject": "Welcome", "text": "Hello Ada", "tags": ["welcome"]}))
    print(submitted.id, submitted.status)  # 5b0c… SUBMITTED

    # Readable once recorded (404 until then, a moment): the message, its status and timeline.
    while True:
        try:
            message = messages.get_message(str(submitted.id))
            break
        except mailroom_client.ApiException as e:
            if e.status != 404:
                raise
            time.sleep(0.2)
    print(json.dumps({"id": str(message.id), "status": message.status}))
