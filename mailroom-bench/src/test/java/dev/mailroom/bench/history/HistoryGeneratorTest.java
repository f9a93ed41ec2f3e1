package dev.mailroom.bench.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The generator without a database: the same seed gives the same history, byte for byte; its shape is as promised. */
class HistoryGeneratorTest {
    private static final long END = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse("2026-12-07T00:00:00Z"));

    @Test
    void theSameSeedGivesTheSameRowsAndAnotherSeedOthers() {
        assertThat(rows(7)).isEqualTo(rows(7));
        assertThat(rows(8)).isNotEqualTo(rows(7));
    }

    @Test
    void organizationsAreOfVeryDifferentSizesAndMembersOnePerTenEmails() {
        HistoryShape shape = new HistoryShape(1, 1_000_000, 10);

        List<HistoryShape.Organization> orgs = shape.organizations;
        assertThat(orgs).hasSize(10);
        assertThat(orgs.get(0).expectedEmails()).isBetween(480_000L, 520_000L);
        assertThat(orgs.get(9).expectedEmails()).isLessThan(20_000);
        assertThat(orgs.stream().mapToLong(HistoryShape.Organization::members).sum())
                .isBetween(99_990L, 100_000L);
        assertThat(orgs.get(0).id()).isEqualTo("bench-1");
    }

    @Test
    void writesEveryEmailWithAboutSixActivitiesAndEveryMemberOnce() {
        HistoryShape shape = new HistoryShape(3, 5_000, 10);
        HistoryGenerator g = new HistoryGenerator(shape, 5_000, 30, END, 100);
        g.generate(tables(), written -> {});
        g.writeMembers(new CopyText(null), new CopyText(null));
        HistoryGenerator.Counts c = g.counts();

        assertThat(c.emails()).isEqualTo(5_000);
        assertThat((double) c.activities() / c.emails()).isBetween(5.0, 7.0);
        assertThat((double) c.recipients() / c.emails()).isBetween(1.05, 1.2);
        // Members join over the period so that each organization reaches its count (one per ten emails) by its end.
        long planned = shape.organizations.stream()
                .mapToLong(HistoryShape.Organization::members)
                .sum();
        assertThat(c.members()).isBetween(planned * 97 / 100, planned);
        assertThat(g.samples()).allSatisfy(s -> assertThat(s.emails).isNotEmpty());
    }

    private static byte[] rows(long seed) {
        HistoryShape shape = new HistoryShape(seed, 2_000, 4);
        HistoryGenerator g = new HistoryGenerator(shape, 2_000, 10, END, 50);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CopyText all = new CopyText(out);
        g.generate(new HistoryGenerator.Tables(all, all, all, all, all), written -> {});
        g.writeMembers(all, all);
        all.flush();
        return out.toByteArray();
    }

    private static HistoryGenerator.Tables tables() {
        return new HistoryGenerator.Tables(
                new CopyText(null), new CopyText(null), new CopyText(null), new CopyText(null), new CopyText(null));
    }
}
