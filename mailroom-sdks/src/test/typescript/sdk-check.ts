// Drives a running Mailroom through the generated TypeScript client (typescript-fetch) and prints
// one JSON object with what it saw; SdkClientsIT asserts on it. Needs MAILROOM_URL, MAILROOM_KEY
// and RUN_TAG (makes this run's addresses and member ids its own).
import {
    Configuration,
    MembersApi,
    MessagesApi,
    ProblemFromJSON,
    ResponseError,
} from "./mailroom-client";

const basePath = process.env.MAILROOM_URL!;
const key = process.env.MAILROOM_KEY!;
const tag = process.env.RUN_TAG!;
const memberId = `ts-member-${tag}`;

const messages = new MessagesApi(new Configuration({ basePath, accessToken: key }));
const members = new MembersApi(new Configuration({ basePath, accessToken: key }));

function email(i: number) {
    return {
        from: { email: "app@example.com", name: "Example" },
        to: [{ email: `ts-${tag}-${i}@example.org`, name: "Ada", memberId }],
        subject: `TypeScript ${i}`,
        text: "Hello from the generated TypeScript client",
        tags: ["sdk-ts"],
    };
}

// A refused request must come back as problem+json the generated Problem model reads.
async function problemOf(call: () => Promise<unknown>) {
    try {
        await call();
    } catch (e) {
        if (e instanceof ResponseError) {
            const problem = ProblemFromJSON(await e.response.json());
            return {
                httpStatus: e.response.status,
                contentType: e.response.headers.get("content-type"),
                status: problem.status,
                title: problem.title,
                fields: (problem.errors ?? []).map((error) => error.field),
            };
        }
        throw e;
    }
    return { httpStatus: 0, error: "no error raised" };
}

async function main() {
    const submitted = await messages.submitMessage({ submissionRequest: email(0) });

    const batch = await messages.submitMessageBatch({ messageBatch: { messages: [email(1), email(2)] } });

    // The message is readable once the operator has recorded it (404 until then), and the sandbox reports
    // DELIVERED a moment after dispatch: wait for both (bounded), not for a fixed time.
    const deadline = Date.now() + 60_000;
    let timeline: string[] = [];
    let status = "";
    while (Date.now() < deadline) {
        try {
            const message = await messages.getMessage({ id: submitted.id! });
            timeline = (message.activities ?? []).map((activity) => activity.status!);
            status = message.status!;
            if (timeline.includes("DELIVERED")) break;
        } catch (e) {
            if (!(e instanceof ResponseError && e.response.status === 404)) throw e;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
    }

    const page = await members.listMembers({ memberId });

    const invalid = await problemOf(() =>
        messages.submitMessage({ submissionRequest: { ...email(3), to: [{ email: "not-an-address" }] } }),
    );

    const strangers = new MessagesApi(new Configuration({ basePath, accessToken: "mr_not-a-key" }));
    const unauthorized = await problemOf(() => strangers.getMessage({ id: submitted.id! }));

    console.log(
        JSON.stringify({
            submitted: { id: submitted.id, status: submitted.status },
            batch: {
                accepted: batch.accepted,
                results: (batch.results ?? []).map((r) => ({ status: r.status, id: r.id })),
            },
            message: { status, timeline },
            members: (page.items ?? []).map((m) => ({ memberId: m.memberId, messages: m.messages })),
            invalid,
            unauthorized,
        }),
    );
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
