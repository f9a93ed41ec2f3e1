MAILROOM_URL=${MAILROOM_URL:-http://localhost:8080}
MAILROOM_KEY=${MAILROOM_KEY:-$(cat mailroom-data/api-key)}

ANSWER=$(curl -s -X POST "$MAILROOM_URL/api/v1/messages" \
  -H "Authorization: Bearer $MAILROOM_KEY" -H 'Content-Type: application/json' \
  -d '{"from": {"email": "app@example.com", "name": "Example"},
       "to": [{"email": "click+ada@example.org", "name": "Ada", "memberId": "user-42"}],
       "subject": "Welcome", "text": "Hello Ada", "tags": ["welcome"]}')
echo "$ANSWER"  # 202 {"id":"5b0c…","status":"SUBMITTED",…}, or a problem+json saying what is wrong
ID=$(echo "$ANSWER" | sed -n 's/.*"id":"\([^"]*\)".*/\1/p')

# readable once recorded (404 until then, a moment): the message, its status and timeline
if [ -n "$ID" ]; then
  for i in $(seq 50); do
    curl -sf "$MAILROOM_URL/api/v1/messages/$ID" -H "Authorization: Bearer $MAILROOM_KEY" && break
    sleep 0.2
  done
fi
# then → "status": "CLICKED", "activities": ACCEPTED, QUEUED, DISPATCHED, DELIVERED, OPENED, CLICKED
