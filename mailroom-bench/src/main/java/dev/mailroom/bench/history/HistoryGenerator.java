package dev.mailroom.bench.history;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.ContractJson;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Ids;
import dev.mailroom.contracts.MessageStatus;
import dev.mailroom.contracts.Recipient;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.function.LongConsumer;

/**
 * Writes an email history, deterministic from the seed, in the order the pipeline would have written it: hour by hour
 * over the last {@code days} days, each email's message row, content, recipients and tags when it was accepted, and
 * each activity in the hour it was recorded (a DELIVERED seconds later, an OPENED hours or days later), so that the
 * tables' physical order is that of a history that grew over time. Nothing recorded after {@code end} is written:
 * the newest emails have not been opened yet.
 *
 * <p>Each email: one recipient naming a member (85%), one member with one or two in Cc (7%), one address that is no
 * member (8%); 0-2 tags from its organization's set; a content of a few KB; and its timeline as the operator records
 * it: ACCEPTED and QUEUED (pipeline ids), the dispatcher's DISPATCHED (or, 0.5%, FAILED), then per recipient the
 * provider's DELIVERED (or, 2.5%, BOUNCED), COMPLAINED (0.1%), OPENED (62%, one or more) and CLICKED (30% of those
 * opened), with the provider's event names and details (an open's and a click's user agent and IP address). The
 * message's {@code status} is the highest in precedence of its activities, {@code updated_at} when it was last raised;
 * a message of several recipients keeps each recipient's own status too (DESIGN, issue 13).
 */
final class HistoryGenerator {
    static final long HOUR = 3_600_000_000L;
    /** mailroom.operator.requeue-accepted-after: an email not QUEUED yet is due again this long after it was stored. */
    static final long REQUEUE_ACCEPTED_AFTER = 5 * 60_000_000L;

    static final String MESSAGE_COLUMNS = "id, organization_id, from_email, subject, requested_provider, provider,"
            + " provider_message_id, status, status_rank, attempts, next_attempt_at, send_at, submitted_at, created_at,"
            + " updated_at, held_for_limit, recipient_count, trace_parent";
    static final String CONTENT_COLUMNS = "message_id, content";
    static final String RECIPIENT_COLUMNS =
            "message_id, position, kind, email, name, member_id, status, status_rank, organization_id";
    static final String TAG_COLUMNS = "message_id, tag, organization_id, created_at";
    static final String ACTIVITY_COLUMNS = "id, message_id, status, occurred_at, recorded_at, recipient, provider,"
            + " provider_message_id, provider_event, details, trace_id";
    static final String MEMBER_COLUMNS = "organization_id, member_id, last_message_at";
    static final String TERM_COLUMNS = "organization_id, member_id, term";

    private static final byte[] ATTEMPT_1 = "{\"attempt\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    private static final String[] USER_AGENTS = {
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.6045.163 Mobile Safari/537.36",
        "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17029; Pro)",
        "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
        "YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html"
    };
    private static final int[] IP_FIRST_OCTETS = {17, 23, 31, 66, 74, 77, 81, 92, 104, 151, 185, 203, 212};
    private static final String[] FAILURE_REASONS = {
        "The from address does not match a verified Sender Identity",
        "Message rejected: Email address is not verified",
        "Domain not found: the sending domain has no DNS records",
        "Payload too large: the message exceeds the provider's size limit"
    };
    private static final String[] HARD_BOUNCES = {
        "smtp; 550 5.1.1 The email account that you tried to reach does not exist",
        "smtp; 550 5.1.1 <{}>: Recipient address rejected: User unknown in virtual mailbox table",
        "smtp; 554 5.7.1 Service unavailable; Client host blocked using spamhaus"
    };
    private static final String[] SOFT_BOUNCES = {
        "smtp; 452 4.2.2 The email account that you tried to reach is over quota",
        "smtp; 421 4.7.0 Try again later, closing connection"
    };
    private static final String[] CONTACT_ROLES = {"billing", "accounts", "ops", "it", "support", "finance", "hr"};
    private static final String[] CONTACT_NAMES = {"Accounts Payable", "Operations", "IT Desk", "Finance Team"};

    /** Where the generated rows go: one COPY of each table. */
    record Tables(CopyText messages, CopyText contents, CopyText recipients, CopyText tags, CopyText activities) {}

    /** How many rows of each table were written. */
    record Counts(
            long emails,
            long recipients,
            long tags,
            long activities,
            long members,
            long terms,
            long recipientsWithMember,
            long messagesOfSeveral) {}

    private final HistoryShape shape;
    private final long emails;
    private final long start;
    private final long end;
    private final int hours;
    private final SplittableRandom random;
    private final OrgState[] orgs;
    private final CopyText scratch = new CopyText(null);
    private final Map<Long, List<Line>> pending = new HashMap<>();
    private long recipients;
    private long tagRows;
    private long activityRows;
    private long recipientsWithMember;
    private long messagesOfSeveral;
    private long memberRows;
    private long termRows;

    /** An activity row formatted, waiting for the hour it was recorded in. */
    private record Line(long recorded, byte[] bytes) {}

    /** An activity of the email being generated. */
    private record Act(
            MessageStatus status,
            long occurred,
            long recorded,
            String recipient,
            String provider,
            String providerMessageId,
            String event,
            byte[] details,
            UUID id) {}

    private record To(String email, String name, String memberId, int member, String kind) {}

    private static final byte SENT = 1;
    private static final byte OWN_ADDRESS = 2;
    private static final byte WORK_ADDRESS = 4;

    /** What the generator keeps of an organization while it writes: its members' newest email and the sample. */
    private static final class OrgState {
        final HistoryShape.Organization org;
        final long[] lastAt;
        /** {@link #SENT}, {@link #OWN_ADDRESS}, {@link #WORK_ADDRESS}: whether and where the member was sent to. */
        final byte[] flags;

        final HistorySample sample;
        int joined;
        long emailsSoFar;

        OrgState(HistoryShape.Organization org, HistorySample sample) {
            this.org = org;
            this.lastAt = new long[org.members()];
            this.flags = new byte[org.members()];
            this.sample = sample;
        }

        /**
         * The member an email goes to. Members join over the whole period (a new one with the probability that
         * keeps the organization on course for its count by its last email), so that every member has at least
         * one email; the others are drawn from those who joined: 60% evenly, 40% favouring the oldest (the
         * regulars: {@code joined * u^1.5}, so that the most emailed member of a large organization gets a few hundred
         * emails in 90 days, not thousands).
         */
        int nextMember(SplittableRandom r) {
            int members = lastAt.length;
            long remaining = Math.max(1, org.expectedEmails() - emailsSoFar);
            double p = (members - joined) / (remaining * 0.9);
            if (joined == 0 || (joined < members && r.nextDouble() < p)) {
                return joined++;
            }
            return existingMember(r);
        }

        int existingMember(SplittableRandom r) {
            double u = r.nextDouble();
            return r.nextDouble() < 0.6 ? (int) (u * joined) : (int) (joined * u * Math.sqrt(u));
        }
    }

    /**
     * @param end the instant the history ends at (now), in microseconds since the epoch
     */
    HistoryGenerator(HistoryShape shape, long emails, int days, long end, int sampleSize) {
        this.shape = shape;
        this.emails = emails;
        this.end = end;
        this.hours = days * 24;
        this.start = end - hours * HOUR;
        this.random = new SplittableRandom(shape.seed);
        this.orgs = new OrgState[shape.organizations.size()];
        for (HistoryShape.Organization org : shape.organizations) {
            orgs[org.index() - 1] = new OrgState(
                    org,
                    new HistorySample(
                            org.id(),
                            org.provider(),
                            sampleSize,
                            HistoryShape.mix(shape.seed, 0x73616dL, org.index())));
        }
    }

    long startMicros() {
        return start;
    }

    long endMicros() {
        return end;
    }

    /**
     * Writes every email hour by hour.
     *
     * @param progress told the number of emails written after each hour
     */
    void generate(Tables out, LongConsumer progress) {
        double[] cumulative = hourWeights();
        long written = 0;
        List<Line> current = new ArrayList<>();
        for (int h = 0; h < hours; h++) {
            long upTo = Math.round(emails * cumulative[h]);
            int n = (int) (upTo - written);
            long hourStart = start + h * HOUR;
            long[] times = new long[n];
            for (int i = 0; i < n; i++) {
                times[i] = hourStart + random.nextLong(HOUR);
            }
            java.util.Arrays.sort(times);
            for (long t0 : times) {
                email(out, t0, h, current);
            }
            written = upTo;
            List<Line> later = pending.remove((long) h);
            if (later != null) {
                current.addAll(later);
            }
            current.sort(Comparator.comparingLong(Line::recorded));
            for (Line line : current) {
                out.activities().rows(line.bytes(), 1);
            }
            activityRows += current.size();
            current.clear();
            progress.accept(written);
        }
        if (!pending.isEmpty()) {
            throw new IllegalStateException("activities left for hours after the end: " + pending.keySet());
        }
    }

    /** The share of all email sent by the end of each hour: busier in the (UTC) afternoon, quieter at weekends. */
    private double[] hourWeights() {
        double[] weights = new double[hours];
        double sum = 0;
        for (int h = 0; h < hours; h++) {
            long at = start + h * HOUR;
            long epochHour = Math.floorDiv(at, HOUR);
            int hourOfDay = (int) Math.floorMod(epochHour, 24);
            int dayOfWeek = (int) Math.floorMod(Math.floorDiv(epochHour, 24) + 3, 7); // 0 = Monday
            double w = 0.35 + 0.65 * Math.exp(-Math.pow(hourOfDay - 14, 2) / 32.0);
            if (dayOfWeek >= 5) {
                w *= 0.6;
            }
            sum += w;
            weights[h] = sum;
        }
        for (int h = 0; h < hours; h++) {
            weights[h] /= sum;
        }
        weights[hours - 1] = 1.0;
        return weights;
    }

    private void email(Tables out, long t0, int hour, List<Line> current) {
        HistoryShape.Organization org = shape.organizationFor(random.nextDouble());
        OrgState state = orgs[org.index() - 1];
        UUID id = randomUuid();
        String traceId = hex(random.nextLong()) + hex(random.nextLong());
        String traceParent = "00-" + traceId + "-" + hex(random.nextLong()) + "-01";
        long submitted = t0 - 5_000 - random.nextLong(400_000);

        List<To> to = new ArrayList<>(3);
        double shapeDraw = random.nextDouble();
        if (shapeDraw < 0.92) {
            int k = state.nextMember(random);
            to.add(memberRecipient(state, k, t0, "to"));
            if (shapeDraw >= 0.85) {
                int cc = 1 + random.nextInt(2);
                for (int i = 0; i < cc; i++) {
                    int other = state.joined > 1 && random.nextBoolean() ? state.existingMember(random) : -1;
                    boolean taken = other < 0;
                    for (To t : to) {
                        taken |= t.member() == other;
                    }
                    to.add(taken ? contact(org, "cc") : memberRecipient(state, other, t0, "cc"));
                }
            }
        } else {
            to.add(contact(org, "to"));
        }
        state.emailsSoFar++;
        int tagCount = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 3 -> 2;
            default -> 1;
        };
        List<String> tags = new ArrayList<>(2);
        for (int i = 0; i < tagCount; i++) {
            String tag = org.tags().get(HistoryShape.pick(org.tagCdf(), random.nextDouble()));
            if (!tags.contains(tag)) {
                tags.add(tag);
            }
        }

        List<Act> acts = timeline(id, org, to, t0);
        int rank = -1;
        MessageStatus status = null;
        long updated = t0;
        boolean queued = false;
        boolean dispatched = false;
        String providerMessageId = null;
        acts.sort(Comparator.comparingLong(Act::recorded));
        for (Act a : acts) {
            if (a.status().precedence() > rank) {
                rank = a.status().precedence();
                status = a.status();
                updated = a.recorded();
            }
            queued |= a.status() == MessageStatus.QUEUED;
            if (a.status() == MessageStatus.DISPATCHED) {
                dispatched = true;
                providerMessageId = a.providerMessageId();
            }
        }

        String subject = subject(org, tags, to.get(0));
        CopyText m = out.messages();
        m.uuid(id)
                .text(org.id())
                .text(fromAddress(org))
                .text(subject)
                .nul()
                .text(dispatched ? org.provider() : null)
                .text(providerMessageId)
                .text(status.name())
                .number(status.precedence())
                .number(queued ? 1 : 0)
                .time(queued ? Long.MIN_VALUE : t0 + REQUEUE_ACCEPTED_AFTER)
                .nul()
                .time(submitted)
                .time(t0)
                .time(updated)
                .bool(false)
                .number(to.size())
                .text(traceParent)
                .endRow();

        out.contents().uuid(id).utf8(content(org, to, subject, tags)).endRow();

        boolean several = to.size() > 1;
        if (several) {
            messagesOfSeveral++;
        }
        int position = 0;
        for (To t : to) {
            MessageStatus own = several ? ownStatus(acts, t.email()) : null;
            out.recipients()
                    .uuid(id)
                    .number(position++)
                    .text(t.kind())
                    .text(t.email())
                    .text(t.name())
                    .text(t.memberId())
                    .text(own == null ? null : own.name());
            if (own == null) {
                out.recipients().nul();
            } else {
                out.recipients().number(own.precedence());
            }
            out.recipients().text(org.id()).endRow();
            recipients++;
            if (t.memberId() != null) {
                recipientsWithMember++;
            }
        }
        for (String tag : tags) {
            out.tags().uuid(id).text(tag).text(org.id()).time(t0).endRow();
            tagRows++;
            state.sample.tag(tag);
        }
        for (Act a : acts) {
            scratch.uuid(a.id())
                    .uuid(id)
                    .text(a.status().name())
                    .time(a.occurred())
                    .time(a.recorded())
                    .text(a.recipient())
                    .text(a.provider())
                    .text(a.providerMessageId())
                    .text(a.event());
            if (a.details() == null) {
                scratch.nul();
            } else {
                scratch.utf8(a.details());
            }
            scratch.text(traceId).endRow();
            Line line = new Line(a.recorded(), scratch.takeBytes());
            long window = Math.floorDiv(a.recorded() - start, HOUR);
            if (window == hour) {
                current.add(line);
            } else {
                pending.computeIfAbsent(window, w -> new ArrayList<>()).add(line);
            }
        }
        state.sample.offer(
                new HistorySample.Email(id, to.get(0).email(), to.get(0).memberId()));
        state.sample.status(status);
    }

    /** The recipient's own status: the highest of the message-wide activities and those naming it. */
    private static MessageStatus ownStatus(List<Act> acts, String email) {
        MessageStatus best = null;
        for (Act a : acts) {
            if ((a.recipient() == null || a.recipient().equals(email))
                    && (best == null || a.status().precedence() > best.precedence())) {
                best = a.status();
            }
        }
        return best;
    }

    private To memberRecipient(OrgState state, int k, long t0, String kind) {
        HistoryShape.Member member = shape.member(state.org, k);
        boolean work = member.workAddress() != null && random.nextInt(100) < 30;
        state.lastAt[k] = Math.max(state.lastAt[k], t0);
        state.flags[k] |= (byte) (work ? SENT | WORK_ADDRESS : SENT | OWN_ADDRESS);
        return new To(work ? member.workAddress() : member.address(), member.name(), member.id(), k, kind);
    }

    /** Someone the organization writes to who is no member: an address of a customer's company, often without a name. */
    private To contact(HistoryShape.Organization org, String kind) {
        double u = random.nextDouble();
        int j = (int) (5_000 * u * u);
        String email = CONTACT_ROLES[j % CONTACT_ROLES.length] + "@client" + j + "." + org.domain();
        String name = random.nextBoolean() ? null : CONTACT_NAMES[j % CONTACT_NAMES.length];
        return new To(email, name, null, -1, kind);
    }

    private List<Act> timeline(UUID id, HistoryShape.Organization org, List<To> to, long t0) {
        List<Act> acts = new ArrayList<>(8);
        add(
                acts,
                new Act(
                        MessageStatus.ACCEPTED,
                        t0,
                        t0,
                        null,
                        null,
                        null,
                        null,
                        null,
                        Ids.activity(id, MessageStatus.ACCEPTED, 0)));
        long queued = t0 + 3_000 + random.nextLong(77_000);
        add(
                acts,
                new Act(
                        MessageStatus.QUEUED,
                        queued,
                        queued,
                        null,
                        null,
                        null,
                        null,
                        ATTEMPT_1,
                        Ids.activity(id, MessageStatus.QUEUED, 1)));
        long answered = queued + 40_000 + exp(150_000, 30_000_000);
        String provider = org.provider();
        if (random.nextInt(1000) < 5) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("attempt", 1);
            details.put("reason", FAILURE_REASONS[random.nextInt(FAILURE_REASONS.length)]);
            add(
                    acts,
                    new Act(
                            MessageStatus.FAILED,
                            answered,
                            answered + 20_000 + random.nextLong(280_000),
                            null,
                            provider,
                            null,
                            null,
                            ContractJson.write(details),
                            Ids.activity(id, MessageStatus.FAILED, 1)));
            return acts;
        }
        String pmid = providerMessageId(provider, org, answered);
        add(
                acts,
                new Act(
                        MessageStatus.DISPATCHED,
                        answered,
                        answered + 20_000 + random.nextLong(480_000),
                        null,
                        provider,
                        pmid,
                        null,
                        ATTEMPT_1,
                        Ids.activity(id, MessageStatus.DISPATCHED, 1)));
        for (To t : to) {
            recipientEvents(acts, t, org.domain(), provider, pmid, answered);
        }
        return acts;
    }

    /** What the provider reports about one recipient: delivered (or bounced), then perhaps complaints, opens, clicks. */
    private void recipientEvents(List<Act> acts, To t, String domain, String provider, String pmid, long answered) {
        if (random.nextInt(1000) < 25) {
            boolean hard = random.nextInt(10) < 7;
            long at = ms(answered + 1_000_000 + random.nextLong(59_000_000));
            String reason = hard
                    ? HARD_BOUNCES[random.nextInt(HARD_BOUNCES.length)].replace("{}", t.email())
                    : SOFT_BOUNCES[random.nextInt(SOFT_BOUNCES.length)];
            Map<String, Object> details = new LinkedHashMap<>();
            if (provider.equals("ses")) {
                details.put("bounceType", hard ? "hard" : "soft");
                details.put("sesBounceType", hard ? "Permanent" : "Transient");
                details.put("bounceSubType", hard ? "General" : "MailboxFull");
                details.put("reason", reason);
                details.put("diagnosticCode", reason);
                details.put("status", hard ? "5.1.1" : "4.2.2");
                details.put("action", "failed");
                details.put("feedbackId", randomUuid().toString());
                details.put("reportingMTA", "dns; a8-30.smtp-out.amazonses.com");
            } else {
                details.put("severity", "permanent");
                details.put("failureReason", hard ? "bounce" : "generic");
                details.put("smtpCode", hard ? 550 : 452);
                details.put("smtpResponse", reason);
                details.put("mxHost", "mx.example.net");
                details.put("attempt", 1);
                details.put("reason", reason);
                details.put("bounceType", hard ? "hard" : "soft");
            }
            event(
                    acts,
                    MessageStatus.BOUNCED,
                    at,
                    t,
                    provider,
                    pmid,
                    provider.equals("ses") ? "Bounce" : "failed",
                    details);
            return;
        }
        long delivered = ms(answered + 500_000 + exp(2_000_000, 600_000_000));
        Map<String, Object> deliveredDetails = new LinkedHashMap<>();
        if (provider.equals("ses")) {
            deliveredDetails.put("smtpResponse", "250 2.0.0 OK  " + (delivered / 1_000_000) + " gsmtp");
            deliveredDetails.put("reportingMTA", "a8-30.smtp-out.amazonses.com");
            deliveredDetails.put("processingTimeMillis", 300 + random.nextInt(3000));
        } else {
            deliveredDetails.put("smtpCode", 250);
            deliveredDetails.put("smtpResponse", "OK");
            deliveredDetails.put("mxHost", "mx.example.net");
            deliveredDetails.put("attempt", 1);
            deliveredDetails.put("tls", true);
        }
        event(
                acts,
                MessageStatus.DELIVERED,
                delivered,
                t,
                provider,
                pmid,
                provider.equals("ses") ? "Delivery" : "delivered",
                deliveredDetails);
        if (random.nextInt(1000) < 1) {
            long at = ms(delivered + exp(6 * HOUR, 30 * 24 * HOUR));
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("feedbackType", "abuse");
            details.put("userAgent", "Yahoo!-Mail-Feedback/2.0");
            details.put("feedbackId", randomUuid().toString());
            event(
                    acts,
                    MessageStatus.COMPLAINED,
                    at,
                    t,
                    provider,
                    pmid,
                    provider.equals("ses") ? "Complaint" : "complained",
                    details);
        }
        if (random.nextInt(100) < 62) {
            String userAgent = USER_AGENTS[random.nextInt(USER_AGENTS.length)];
            String ip = IP_FIRST_OCTETS[random.nextInt(IP_FIRST_OCTETS.length)] + "." + random.nextInt(256) + "."
                    + random.nextInt(256) + "." + (1 + random.nextInt(254));
            long open = delivered + 1_000_000 + exp(3 * HOUR, 20 * 24 * HOUR);
            int opens = 1;
            while (opens < 6 && random.nextInt(100) < 55) {
                opens++;
            }
            long at = open;
            for (int i = 0; i < opens; i++) {
                event(
                        acts,
                        MessageStatus.OPENED,
                        ms(at),
                        t,
                        provider,
                        pmid,
                        provider.equals("ses") ? "Open" : "opened",
                        engagement(provider, null, userAgent, ip));
                at += exp(10 * HOUR, 20 * 24 * HOUR);
            }
            if (random.nextInt(100) < 30) {
                long click = open + 2_000_000 + exp(3 * 60_000_000L, 7 * 24 * HOUR);
                int clicks = random.nextInt(100) < 30 ? 2 : 1;
                for (int i = 0; i < clicks; i++) {
                    String url = "https://app." + domain + "/l/" + Long.toString(random.nextLong(1L << 40), 36);
                    event(
                            acts,
                            MessageStatus.CLICKED,
                            ms(click),
                            t,
                            provider,
                            pmid,
                            provider.equals("ses") ? "Click" : "clicked",
                            engagement(provider, url, userAgent, ip));
                    click += exp(20 * 60_000_000L, 7 * 24 * HOUR);
                }
            }
        }
    }

    private Map<String, Object> engagement(String provider, String url, String userAgent, String ip) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (url != null) {
            details.put("url", url);
        }
        details.put("userAgent", userAgent);
        if (provider.equals("ses")) {
            details.put("ipAddress", ip);
        } else {
            details.put("clientName", userAgent.startsWith("Microsoft") ? "Outlook" : "Mobile Safari");
            details.put("clientType", userAgent.contains("Mobile") ? "mobile browser" : "email client");
            details.put("clientOs", userAgent.contains("iPhone") ? "iOS" : "Windows");
            details.put("deviceType", userAgent.contains("Mobile") ? "mobile" : "desktop");
            details.put("ip", ip);
            details.put("country", "US");
        }
        return details;
    }

    /** A provider's event about one recipient, recorded when its webhook arrived (0.3-8 s later); none after the end. */
    private void event(
            List<Act> acts,
            MessageStatus status,
            long occurred,
            To t,
            String provider,
            String pmid,
            String event,
            Map<String, Object> details) {
        long recorded = occurred + 300_000 + random.nextLong(7_700_000);
        if (recorded >= end) {
            return;
        }
        acts.add(new Act(
                status,
                occurred,
                recorded,
                t.email(),
                provider,
                pmid,
                event,
                ContractJson.write(details),
                Ids.providerEvent(provider, randomUuid().toString())));
    }

    /** Adds a pipeline activity unless it would be recorded after the end. */
    private void add(List<Act> acts, Act act) {
        if (act.recorded() < end) {
            acts.add(act);
        }
    }

    private String providerMessageId(String provider, HistoryShape.Organization org, long at) {
        if (provider.equals("ses")) {
            // SES: 0100018c1f2a3b4c-1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d-000000
            String h = hex(random.nextLong()) + hex(random.nextLong());
            return "01000" + hex(at / 1000).substring(5) + "-" + h.substring(0, 8) + "-" + h.substring(8, 12) + "-"
                    + h.substring(12, 16) + "-" + h.substring(16, 20) + "-" + h.substring(20, 32) + "-000000";
        }
        return "<"
                + LocalDate.ofEpochDay(Math.floorDiv(at, 86_400_000_000L))
                        .toString()
                        .replace("-", "") + "." + hex(random.nextLong()) + "@mg." + org.domain() + ">";
    }

    private String subject(HistoryShape.Organization org, List<String> tags, To to) {
        String first = to.name() == null
                ? "there"
                : to.name().indexOf(' ') < 0
                        ? to.name()
                        : to.name().substring(0, to.name().indexOf(' '));
        String template = tags.isEmpty() ? "notification" : tags.get(0);
        return switch (template) {
            case "receipt" -> "Your " + org.name() + " receipt #" + (100_000 + random.nextInt(900_000));
            case "password-reset" -> "Reset your " + org.name() + " password";
            case "welcome" -> "Welcome to " + org.name() + ", " + first + "!";
            case "newsletter" -> org.name() + " news: what's new this month";
            case "digest" -> "Your weekly digest, " + first;
            case "invoice" -> "Invoice INV-" + (10_000 + random.nextInt(90_000)) + " is ready";
            case "alert" -> "Alert: unusual sign-in to your " + org.name() + " account";
            case "promo" -> first + ", 20% off everything this weekend";
            case "reminder" -> "Reminder: your appointment tomorrow";
            case "shipping" -> "Your order has shipped";
            case "verification" ->
                "Your " + org.name() + " verification code is " + (100_000 + random.nextInt(900_000));
            case "survey" -> "How did we do, " + first + "?";
            default -> "A message from " + org.name();
        };
    }

    private byte[] content(HistoryShape.Organization org, List<To> to, String subject, List<String> tags) {
        List<Recipient> toList = new ArrayList<>();
        List<Recipient> ccList = new ArrayList<>();
        for (To t : to) {
            (t.kind().equals("to") ? toList : ccList).add(new Recipient(t.email(), t.name(), t.memberId()));
        }
        String name = to.get(0).name() == null ? "there" : to.get(0).name();
        String link = "https://app." + org.domain() + "/a/" + Long.toString(random.nextLong(1L << 50), 36);
        String text = "Hello " + name + ",\n\n" + subject + ".\n\n"
                + "You can see the details in your account: " + link + "\n\n"
                + "If you did not expect this email, you can ignore it or write to support@" + org.domain()
                + ". We will never ask you for your password.\n\n"
                + "Thanks,\nThe " + org.name() + " team\n\n--\n" + org.name() + " Inc., 1 Market Street, Springfield."
                + " You receive this email because you have an account with " + org.name() + ".";
        String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + subject + "</title>"
                + "<style>body{margin:0;padding:0;background:#f4f5f7;font-family:-apple-system,Segoe UI,Roboto,"
                + "Helvetica,Arial,sans-serif}.wrap{max-width:600px;margin:0 auto;background:#fff}.hd{padding:24px;"
                + "background:#1f2937;color:#fff}.bd{padding:24px;color:#111827;font-size:16px;line-height:24px}"
                + ".btn{display:inline-block;padding:12px 20px;background:#2563eb;color:#fff;border-radius:6px;"
                + "text-decoration:none}.ft{padding:24px;color:#6b7280;font-size:12px}</style></head><body>"
                + "<div class=\"wrap\"><div class=\"hd\"><img src=\"https://cdn." + org.domain()
                + "/logo.png\" alt=\"" + org.name() + "\" width=\"120\"></div><div class=\"bd\"><p>Hello " + name
                + ",</p><p>" + subject + ".</p><p><a class=\"btn\" href=\"" + link + "\">Open your account</a></p>"
                + "<p>If you did not expect this email, you can ignore it or write to <a href=\"mailto:support@"
                + org.domain() + "\">support@" + org.domain() + "</a>. We will never ask you for your password.</p>"
                + "<p>Thanks,<br>The " + org.name() + " team</p></div><div class=\"ft\">" + org.name()
                + " Inc., 1 Market Street, Springfield. You receive this email because you have an account with "
                + org.name() + ". <a href=\"https://app." + org.domain() + "/settings/notifications\">Email"
                + " preferences</a></div></div></body></html>";
        Email email = new Email(
                new Address(fromAddress(org), org.name()),
                toList,
                ccList,
                List.of(),
                null,
                subject,
                text,
                html,
                Map.of(),
                tags,
                Map.of("template", tags.isEmpty() ? "notification" : tags.get(0)),
                List.of());
        return ContractJson.write(email);
    }

    private static String fromAddress(HistoryShape.Organization org) {
        return "no-reply@" + org.domain();
    }

    /**
     * The member read model of V17 as the operator keeps it: one {@code members} row per organization and member
     * with the time of their newest email, and their lower-cased addresses, name and id, once each, in
     * {@code member_search_terms}.
     */
    void writeMembers(CopyText members, CopyText terms) {
        for (OrgState state : orgs) {
            state.sample.memberCount = 0;
            for (int k = 0; k < state.joined; k++) {
                if ((state.flags[k] & SENT) == 0) {
                    continue;
                }
                HistoryShape.Member member = shape.member(state.org, k);
                members.text(state.org.id())
                        .text(member.id())
                        .time(state.lastAt[k])
                        .endRow();
                memberRows++;
                state.sample.memberCount++;
                terms.text(state.org.id())
                        .text(member.id())
                        .text(lower(member.name()))
                        .endRow();
                termRows++;
                // Only the addresses the member was sent to: one who only ever got email at work has no other.
                if ((state.flags[k] & OWN_ADDRESS) != 0) {
                    terms.text(state.org.id())
                            .text(member.id())
                            .text(lower(member.address()))
                            .endRow();
                    termRows++;
                }
                if ((state.flags[k] & WORK_ADDRESS) != 0) {
                    terms.text(state.org.id())
                            .text(member.id())
                            .text(lower(member.workAddress()))
                            .endRow();
                    termRows++;
                }
                // Their id too (V23): a search matches a part of it. Ids here are never a name or an address.
                terms.text(state.org.id())
                        .text(member.id())
                        .text(lower(member.id()))
                        .endRow();
                termRows++;
            }
            state.sample.commonSurname = HistoryShape.LAST_NAMES[0].toLowerCase(Locale.ROOT);
            state.sample.first = Instant.EPOCH.plusNanos(start * 1000);
            state.sample.last = Instant.EPOCH.plusNanos(end * 1000);
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    Counts counts() {
        long emailCount = 0;
        for (OrgState s : orgs) {
            emailCount += s.sample.emailCount;
        }
        return new Counts(
                emailCount,
                recipients,
                tagRows,
                activityRows,
                memberRows,
                termRows,
                recipientsWithMember,
                messagesOfSeveral);
    }

    List<HistorySample> samples() {
        List<HistorySample> list = new ArrayList<>();
        for (OrgState s : orgs) {
            list.add(s.sample);
        }
        return list;
    }

    private UUID randomUuid() {
        long msb = (random.nextLong() & 0xffffffffffff0fffL) | 0x0000000000004000L;
        long lsb = (random.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /** An exponentially distributed delay of the given mean, at most {@code cap}. */
    private long exp(long mean, long cap) {
        return Math.min(cap, (long) (-Math.log(1 - random.nextDouble()) * mean));
    }

    /** Providers report their events' times in milliseconds. */
    private static long ms(long micros) {
        return micros - Math.floorMod(micros, 1000);
    }

    private static String hex(long v) {
        String s = Long.toHexString(v);
        return "0".repeat(16 - s.length()) + s;
    }
}
