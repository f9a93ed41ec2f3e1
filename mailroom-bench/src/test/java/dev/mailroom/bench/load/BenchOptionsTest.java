package dev.mailroom.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchOptionsTest {

    @Test
    void defaultsAreABoundedSplitRunAt500PerSecondForThirtySeconds() {
        BenchOptions o = BenchOptions.parse(new String[0]);
        assertThat(o.setup()).isEqualTo(BenchOptions.Setup.SPLIT);
        assertThat(o.rate()).isEqualTo(500);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(o.count()).isEqualTo(15_000);
        assertThat(o.jdbcUrl()).contains("mailroom_bench");
    }

    @Test
    void maxRateIsBoundedByTheCountCapAndTheDuration() {
        BenchOptions o = BenchOptions.parse(new String[] {"--rate", "max", "--duration=20"});
        assertThat(o.asFastAsPossible()).isTrue();
        assertThat(o.count()).isEqualTo(BenchOptions.COUNT_CAP);
        assertThat(o.duration()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void repeatedServerArgsAreAllKept() {
        BenchOptions o = BenchOptions.parse(new String[] {
            "--server-arg=--mailroom.operator.batch-size=500",
            "--server-arg",
            "--mailroom.dispatcher.concurrency=64",
            "--profile"
        });
        assertThat(o.serverArgs())
                .containsExactly("--mailroom.operator.batch-size=500", "--mailroom.dispatcher.concurrency=64");
        assertThat(o.profile()).isTrue();
    }

    @Test
    void aKeptDatabaseNeedsOrganizationsOfTheRunsOwnToTellItsEmailsApart() {
        assertThat(BenchOptions.parse(new String[] {"--keep-database"}).keepDatabase())
                .isTrue();
        assertThat(BenchOptions.parse(new String[0]).keepDatabase()).isFalse();
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--keep-database", "--organizations", "1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--keep-database");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--keep-database", "--setup", "embedded"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--keep-database");
    }

    @Test
    void aMisspeltOptionIsAnErrorNotIgnored() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--rtae", "100"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--rtae");
    }

    @Test
    void aRunningMailroomWithTheSendGridFakeNeedsToKnowWhereTheFakeIs() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--setup", "running"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--fake-port");
    }

    @Test
    void aRunningMailroomFedOverAmqpNeedsTheKeyThatSignsTheMailboxMessages() {
        assertThatThrownBy(() -> BenchOptions.parse(
                        new String[] {"--setup", "running", "--provider", "sandbox", "--submit", "amqp"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--api-key");
    }

    @Test
    void watchedProcessesAreNamedPidsWithAnOptionalMetricsUrl() {
        BenchOptions o =
                BenchOptions.parse(new String[] {"--watch", "api=1234=http://127.0.0.1:8080", "--watch=operator=99"});
        assertThat(o.watch()).containsExactly("api=1234=http://127.0.0.1:8080", "operator=99");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--watch", "api"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unboundedRunsAreRefused() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--duration", "7200"}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStartedMailroomSpreadsTheLoadOverTenOrganizationsByDefault() {
        BenchOptions o = BenchOptions.parse(new String[] {"--setup", "single"});
        assertThat(o.organizations()).isEqualTo(10);
        assertThat(o.orgKeys()).isEmpty();
        assertThat(o.provisionsOrganizations()).isTrue();
    }

    @Test
    void oneOrganizationIsTheBootstrapKeyAloneWithNothingToProvision() {
        BenchOptions o = BenchOptions.parse(new String[] {"--setup", "embedded", "--organizations", "1"});
        assertThat(o.organizations()).isEqualTo(1);
        assertThat(o.provisionsOrganizations()).isFalse();
    }

    @Test
    void theIngestModeSubmitsNoEmailsSoItProvisionsNoOrganizations() {
        BenchOptions o = BenchOptions.parse(new String[] {"--mode", "ingest", "--organizations", "5"});
        assertThat(o.provisionsOrganizations()).isFalse();
    }

    @Test
    void organizationsOutOfRangeAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--organizations", "0"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--organizations");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--organizations", "101"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--organizations");
    }

    @Test
    void aRunningMailroomTakesItsOrganizationsFromTheRepeatedOrgKeys() {
        BenchOptions o = BenchOptions.parse(new String[] {
            "--setup", "running", "--provider", "sandbox", "--org-key", "mr_a", "--org-key=mr_b", "--org-key", "mr_c"
        });
        assertThat(o.orgKeys()).containsExactly("mr_a", "mr_b", "mr_c");
        assertThat(o.organizations()).isEqualTo(3);
        assertThat(o.provisionsOrganizations()).isFalse();
    }

    @Test
    void aRunningMailroomWithoutOrgKeysIsOneOrganization() {
        BenchOptions o = BenchOptions.parse(
                new String[] {"--setup", "running", "--provider", "sandbox", "--api-key", "mr_bootstrap"});
        assertThat(o.organizations()).isEqualTo(1);
    }

    @Test
    void aRunningMailroomAskedForMoreOrganizationsThanKeysGivenFailsSayingWhatIsMissing() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {
                    "--setup", "running", "--provider", "sandbox", "--api-key", "k", "--organizations", "10"
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--org-key")
                .hasMessageContaining("got 0");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {
                    "--setup",
                    "running",
                    "--provider",
                    "sandbox",
                    "--org-key",
                    "a",
                    "--org-key",
                    "b",
                    "--organizations",
                    "3"
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 2");
    }

    @Test
    void orgKeysAreRefusedWhenTheBenchmarkCreatesTheOrganizationsItself() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--setup", "single", "--org-key", "mr_a"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--org-key");
    }

    @Test
    void restSubmissionsAreSingleUnlessABatchSizeOfAtMost500IsGiven() {
        assertThat(BenchOptions.parse(new String[0]).restBatch()).isEqualTo(1);
        assertThat(BenchOptions.parse(new String[] {"--submit", "rest", "--rest-batch", "100"})
                        .restBatch())
                .isEqualTo(100);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--rest-batch", "501"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--rest-batch");
        assertThat(BenchOptions.USAGE).contains("--rest-batch");
    }

    @Test
    void fairnessIsTwoOrganizationsAHundredThousandEmailsOfAAndFiveASecondOfBWithoutCeilings() {
        BenchOptions o = BenchOptions.parse(new String[] {"--mode", "fairness"});
        assertThat(o.setup()).isEqualTo(BenchOptions.Setup.SPLIT);
        assertThat(o.organizations()).isEqualTo(2);
        assertThat(o.provisionsOrganizations()).isTrue();
        assertThat(o.count()).isEqualTo(100_000);
        assertThat(o.fairRate()).isEqualTo(5);
        assertThat(o.ceilingDuration()).isZero();
        assertThat(o.drainTimeout()).isEqualTo(Duration.ofSeconds(600));
    }

    @Test
    void fairnessRefusesAnotherNumberOfOrganizationsAndARunningMailroom() {
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--mode", "fairness", "--organizations", "3"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--organizations 2");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {
                    "--mode",
                    "fairness",
                    "--setup",
                    "running",
                    "--fake-port",
                    "1",
                    "--fake-key-file",
                    "k",
                    "--api-key",
                    "x",
                    "--api-url",
                    "http://127.0.0.1:1"
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not --setup running");
    }

    @Test
    void quotaIsThreeDispatchersAtFiftyASecondForThreeThousandEmailsWithoutWarmUp() {
        BenchOptions o = BenchOptions.parse(new String[] {"--mode", "quota"});
        assertThat(o.dispatchers()).isEqualTo(3);
        assertThat(o.quota()).isEqualTo(50);
        assertThat(o.count()).isEqualTo(3_000);
        assertThat(o.warmup()).isZero();
        assertThat(o.rate()).isGreaterThan(o.quota());
        assertThat(o.provisionsOrganizations()).isFalse();
        assertThat(o.quotaServerArg()).isEqualTo("--mailroom.dispatcher.rate-limits.sendgrid=50");
    }

    @Test
    void quotaSetsTheProviderLimitItselfSoAServerArgForItIsRefused() {
        assertThatThrownBy(() -> BenchOptions.parse(
                        new String[] {"--mode", "quota", "--server-arg=--mailroom.dispatcher.rate-limits.sendgrid=10"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--quota");
    }

    @Test
    void webhooksToACustomerEndpointAreOffUnlessAskedForInThePipelineOfAStartedMailroom() {
        BenchOptions plain = BenchOptions.parse(new String[0]);
        BenchOptions hooks = BenchOptions.parse(new String[] {"--webhook-endpoint", "--notifiers", "2"});

        assertThat(plain.webhookEndpoint()).isFalse();
        assertThat(hooks.webhookEndpoint()).isTrue();
        assertThat(hooks.notifiers()).isEqualTo(2);
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--webhook-endpoint", "--mode", "ingest"}))
                .hasMessageContaining("--webhook-endpoint");
        assertThatThrownBy(() -> BenchOptions.parse(new String[] {"--webhook-endpoint", "--notifiers", "0"}))
                .hasMessageContaining("--notifiers");
    }
}
