package dev.mailroom.bench.history;

import dev.mailroom.bench.load.BenchOrganizations;
import dev.mailroom.contracts.Ids;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What the generated history looks like, apart from time: the organizations (one large, a long tail: organization
 * {@code i} sends in proportion to {@code 1 / i^1.5}, so of ten the first sends about half of all email and the last
 * under 2%), each with its provider, domain, tags and style of member ids, and each organization's members (one per
 * ten emails), whose names and addresses follow from the seed, the organization and the member's number alone.
 */
final class HistoryShape {
    /** Providers whose open and click events carry an IP address and a user agent (DESIGN: SES and Mailgun). */
    static final List<String> PROVIDERS = List.of("ses", "mailgun");

    static final List<String> TAG_POOL = List.of(
            "receipt",
            "password-reset",
            "welcome",
            "newsletter",
            "digest",
            "invoice",
            "alert",
            "promo",
            "reminder",
            "shipping",
            "verification",
            "survey");

    static final String[] FIRST_NAMES = {
        "Olivia",
        "Liam",
        "Emma",
        "Noah",
        "Ava",
        "Elijah",
        "Sophia",
        "James",
        "Isabella",
        "Lucas",
        "Mia",
        "Mateo",
        "Amelia",
        "Benjamin",
        "Harper",
        "Leo",
        "Evelyn",
        "Ethan",
        "Luna",
        "Henry",
        "Aisha",
        "Omar",
        "Chen",
        "Wei",
        "Yuki",
        "Hiro",
        "Priya",
        "Arjun",
        "Fatima",
        "Ali",
        "Sofia",
        "Diego",
        "Lea",
        "Jonas",
        "Zoë",
        "Anaïs",
        "Ingrid",
        "Lars",
        "Nadia",
        "Ivan",
        "Kofi",
        "Amara",
        "Tariq",
        "Leila",
        "Sven",
        "Elena",
        "Marco",
        "Giulia",
        "Pierre",
        "Chloé"
    };

    /**
     * Surnames, most common first: the i-th is picked in proportion to {@code 1 / (i + 1)}, so "Smith" names about
     * one member in ten (a common search term) and the last ones about one in three hundred.
     */
    static final String[] LAST_NAMES = {
        "Smith",
        "Garcia",
        "Johnson",
        "Müller",
        "Nguyen",
        "Kim",
        "Brown",
        "Rossi",
        "Martin",
        "Silva",
        "Wang",
        "Kowalski",
        "Jones",
        "Lopez",
        "Dubois",
        "Novak",
        "Tanaka",
        "Patel",
        "Okafor",
        "Ivanova",
        "Larsen",
        "Haddad",
        "Fischer",
        "Moreau",
        "Santos",
        "Cohen",
        "Jensen",
        "Popescu",
        "Nakamura",
        "Wilson",
        "Taylor",
        "Andersen",
        "Schmidt"
    };

    static final String[] PERSONAL_DOMAINS = {
        "gmail.com",
        "yahoo.com",
        "outlook.com",
        "hotmail.com",
        "icloud.com",
        "proton.me",
        "gmx.de",
        "web.de",
        "orange.fr",
        "libero.it"
    };

    private static final String[] COMPANY_WORDS = {
        "northwind",
        "contoso",
        "fabrikam",
        "initech",
        "globex",
        "umbrella",
        "acme",
        "hooli",
        "vandelay",
        "wayne",
        "stark",
        "tyrell",
        "cyberdyne",
        "wonka",
        "gringotts",
        "oceanic"
    };

    private static final double[] LAST_NAME_CDF = zipfCdf(LAST_NAMES.length, 1.0);
    private static final String[] FIRST_ASCII =
            java.util.Arrays.stream(FIRST_NAMES).map(HistoryShape::ascii).toArray(String[]::new);
    private static final String[] LAST_ASCII =
            java.util.Arrays.stream(LAST_NAMES).map(HistoryShape::ascii).toArray(String[]::new);
    private static final double[] PERSONAL_DOMAIN_CDF = zipfCdf(PERSONAL_DOMAINS.length, 1.0);

    /** How an organization's application names its users. */
    enum MemberIds {
        /** The application's database ids: "10234". Organizations of this style share ids. */
        NUMERIC,
        /** Prefixed opaque ids: "usr_3k9x2m1q". */
        PREFIXED,
        /** UUIDs. */
        UUID
    }

    /**
     * One organization of the history.
     *
     * @param index         1-based; {@code bench-<index>} is its id, as {@link BenchOrganizations} creates it
     * @param share         its part of all emails
     * @param expectedEmails its share of the emails asked for
     * @param members       how many members it has: one per ten of its emails (at least one)
     */
    record Organization(
            int index,
            String id,
            String name,
            String domain,
            String provider,
            MemberIds memberIds,
            List<String> tags,
            double[] tagCdf,
            double share,
            long expectedEmails,
            int members) {}

    final long seed;
    final List<Organization> organizations;
    private final double[] organizationCdf;

    HistoryShape(long seed, long emails, int organizationCount) {
        this.seed = seed;
        double[] weights = new double[organizationCount];
        double sum = 0;
        for (int i = 0; i < organizationCount; i++) {
            weights[i] = 1.0 / Math.pow(i + 1, 1.5);
            sum += weights[i];
        }
        List<Organization> list = new ArrayList<>();
        organizationCdf = new double[organizationCount];
        double cumulative = 0;
        for (int i = 0; i < organizationCount; i++) {
            int index = i + 1;
            double share = weights[i] / sum;
            cumulative += share;
            organizationCdf[i] = cumulative;
            SplittableRandom r = new SplittableRandom(mix(seed, 0x6f7267L, index));
            String word = COMPANY_WORDS[(index - 1) % COMPANY_WORDS.length];
            String domain = word + (index > COMPANY_WORDS.length ? index : "") + "-app.example";
            List<String> pool = new ArrayList<>(TAG_POOL);
            List<String> tags = new ArrayList<>();
            int tagCount = 5 + r.nextInt(4);
            for (int t = 0; t < tagCount; t++) {
                tags.add(pool.remove(r.nextInt(pool.size())));
            }
            long expected = Math.round(emails * share);
            list.add(new Organization(
                    index,
                    BenchOrganizations.organizationId(index),
                    capitalize(word) + (index > COMPANY_WORDS.length ? " " + index : ""),
                    domain,
                    PROVIDERS.get(i % PROVIDERS.size()),
                    MemberIds.values()[i % MemberIds.values().length],
                    List.copyOf(tags),
                    zipfCdf(tags.size(), 1.2),
                    share,
                    expected,
                    (int) Math.max(1, expected / 10)));
        }
        organizationCdf[organizationCount - 1] = 1.0;
        this.organizations = List.copyOf(list);
    }

    /** The organization an email with the uniform draw {@code u} belongs to. */
    Organization organizationFor(double u) {
        return organizations.get(pick(organizationCdf, u));
    }

    /** A member of an organization, derived from the seed, the organization and the member's number. */
    record Member(String id, String name, String address, String workAddress, String lastName, String firstName) {}

    Member member(Organization org, int k) {
        SplittableRandom r = new SplittableRandom(mix(seed, org.index(), k));
        int firstIndex = r.nextInt(FIRST_NAMES.length);
        int lastIndex = pick(LAST_NAME_CDF, r.nextDouble());
        String first = FIRST_NAMES[firstIndex];
        String last = LAST_NAMES[lastIndex];
        String domain = PERSONAL_DOMAINS[pick(PERSONAL_DOMAIN_CDF, r.nextDouble())];
        String localFirst = FIRST_ASCII[firstIndex];
        String localLast = LAST_ASCII[lastIndex];
        String local = switch (r.nextInt(3)) {
            case 0 -> localFirst + "." + localLast + k;
            case 1 -> localFirst.charAt(0) + localLast + k;
            default -> localFirst + k;
        };
        // A few people typed their address with capitals; it is stored as given (searched in lower case).
        if (r.nextInt(100) < 3) {
            local = capitalize(local);
        }
        String address = local + "@" + domain;
        String work = r.nextInt(100) < 5
                ? localFirst + "." + localLast + "@" + COMPANY_WORDS[r.nextInt(COMPANY_WORDS.length)] + (k % 97)
                        + ".example"
                : null;
        String id = switch (org.memberIds()) {
            case NUMERIC -> Long.toString(10_000L + k);
            case PREFIXED -> "usr_" + Long.toString(Math.abs(mix(seed, 0x757372L, org.index() * 1_000_003L + k)), 36);
            case UUID ->
                Ids.of("member", Long.toString(seed), org.id(), Integer.toString(k))
                        .toString();
        };
        return new Member(id, first + " " + last, address, work, last, first);
    }

    /** Index into a cumulative distribution for a uniform draw in [0, 1). */
    static int pick(double[] cdf, double u) {
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (u < cdf[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** The cumulative distribution of {@code n} choices weighted {@code 1 / (i + 1)^s}. */
    static double[] zipfCdf(int n, double s) {
        double[] cdf = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += 1.0 / Math.pow(i + 1, s);
            cdf[i] = sum;
        }
        for (int i = 0; i < n; i++) {
            cdf[i] /= sum;
        }
        cdf[n - 1] = 1.0;
        return cdf;
    }

    /** A 64-bit mix of three numbers (SplitMix64's finalizer over a combination): seeds derived from the seed. */
    static long mix(long a, long b, long c) {
        long z = a * 0x9E3779B97F4A7C15L + b * 0xBF58476D1CE4E5B9L + c * 0x94D049BB133111EBL + 0x2545F4914F6CDD1DL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Lower-case ASCII for an address's local part ("Zoë" gives "zoe", "Müller" "muller"). */
    static String ascii(String name) {
        String decomposed = java.text.Normalizer.normalize(name, java.text.Normalizer.Form.NFD);
        return decomposed.replaceAll("[^A-Za-z]", "").toLowerCase(Locale.ROOT);
    }

    private static String capitalize(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
