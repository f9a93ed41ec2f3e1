package dev.mailroom.bench.fake;

import java.time.Duration;

/** {@code fake-sendgrid <port> <webhook url>}: runs the fake provider until killed, printing its key. */
public final class FakeSendGridCommand {
    private FakeSendGridCommand() {}

    public static int run(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println(
                    "usage: fake-sendgrid <port> <mailroom webhook url, e.g. http://127.0.0.1:8080/webhooks/sendgrid>");
            return 2;
        }
        FakeSendGrid fake = FakeSendGrid.start(Integer.parseInt(args[0]), FakeSendGrid.Options.defaults(args[1]));
        System.out.println("base-url=" + fake.baseUrl());
        System.out.println("webhook-public-key=" + fake.publicKey());
        while (true) {
            Thread.sleep(Duration.ofSeconds(10).toMillis());
            FakeSendGrid.Stats s = fake.stats();
            System.out.printf(
                    "sends=%d events=%d webhookFailures=%d pending=%d%n",
                    s.sendsAccepted.sum(), s.eventsPosted.sum(), s.webhookFailures.sum(), fake.pendingEvents());
        }
    }
}
