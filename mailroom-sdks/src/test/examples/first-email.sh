MAILROOM_URL=${MAILROOM_URL:-http://localhost:8080}
MAILROOM_KEY=${MAILROOM_KEY:-$(cat mailroom-data/api-key)}

ID=$(curl -s -X POST "$MAILROOM_URL/api/v1/messages" \
  -H "Authorization: Bearer $MAILROOM_KEY" -H 'Content-Type: application/json' \
  -d '{"from": {"email": "app@example.com", "name": "Example"},
       "to": [{"email": "click+ada@example.org", "name": "Ada", "memberId": "user-42"}],
       "subject": "Welcome", "text": "Hello Ada", "tags": ["welcome"]}' | sed 's/.*"id":"\([^"]*\)".*/\1/')
# the answer was 202 {"id":"5b0c…","status":"SUBMITTED","location":"/api/v1/messages/5b0c…"}

# readable once recorded (404 until then, a moment): the message, its status and timeline
until curl -sf "$MAILROOM_URL/api/v1/messages/$ID" -H "Authorization: Bearer $MAILROOM_KEY"; do sleep 0.2; done
# then → "status": "CLICKED", "activities": ACCEPTED, QUEUED, DISPATCHED, DELIVERED, OPENED, CLICKED
