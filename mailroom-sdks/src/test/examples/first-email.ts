import { readFileSync } from "node:fs";
import { Configuration, MessagesApi, ResponseError } from "./mailroom-client";

const messages = new MessagesApi(new Configuration({
  basePath: process.env.MAILROOM_URL ?? "http://localhost:8080",
  accessToken: process.env.MAILROOM_KEY ?? readFileSync("mailroom-data/api-key", "utf8").trim(),
}));

async function main() {
  const submitted = await messages.submitMessage({
    submissionRequest: {
      from: { email: "app@example.com", name: "Example" },
      to: [{ email: "click+ada@example.org", name: "Ada", memberId: "user-42" }],
      subject: "Welcome", text: "Hello Ada", tags: ["welcome"],
    },
  });
  console.log(JSON.stringify(submitted)); // {"id":"5b0c…","status":"SUBMITTED",…}

  // Readable once recorded (404 until then, a moment): the message, its status and timeline.
  for (;;) {
    try {
      const message = await messages.getMessage({ id: submitted.id! });
      console.log(JSON.stringify({ id: message.id, status: message.status }));
      break;
    } catch (e) {
      if (!(e instanceof ResponseError && e.response.status === 404)) throw e;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

main();
