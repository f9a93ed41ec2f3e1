package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where an organization's webhook endpoint may point, under the production rules and with each allowance. */
class WebhookTargetsTest {
    static final WebhookTargets.Rules PRODUCTION = WebhookTargets.Rules.PRODUCTION;
    static final WebhookTargets.Rules HTTP = new WebhookTargets.Rules(true, false);
    static final WebhookTargets.Rules PRIVATE = new WebhookTargets.Rules(false, true);
    static final WebhookTargets.Rules TESTS = new WebhookTargets.Rules(true, true);

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://hooks.example.com/mailroom",
                "https://hooks.example.com:8443/a/b?x=1&y=2",
                "HTTPS://Hooks.Example.com/",
                "https://93.184.216.34/hook",
                "https://[2606:2800:220:1:248:1893:25c8:1946]/hook",
                "https://xn--bcher-kva.example/hook"
            })
    void anHttpsUrlOfAPublicHostIsAnEndpoint(String url) {
        assertThat(WebhookTargets.problemWith(url, PRODUCTION)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "   ",
                "/relative/path",
                "hooks.example.com/path",
                "mailto:ops@example.com",
                "https:///no-host",
                "https://user:password@hooks.example.com/",
                "https://token@hooks.example.com/",
                "https://hooks.example.com/#fragment",
                "ftp://hooks.example.com/",
                "javascript://hooks.example.com/%0aalert(1)",
                "https://hooks.example.com/ spaces",
                // Java's URI finds no host in these (and a C resolver would read 127.0.0.1): no host, no endpoint.
                "https://127.1/",
                "https://1.2.3.4.5/"
            })
    void anythingElseIsRefusedWhateverIsAllowed(String url) {
        assertThat(WebhookTargets.problemWith(url, PRODUCTION)).isPresent();
        assertThat(WebhookTargets.problemWith(url, TESTS)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(ints = {2048, 2049})
    void aUrlIsAtMost2048Characters(int length) {
        String start = "https://hooks.example.com/";
        String url = start + "a".repeat(length - start.length());

        assertThat(WebhookTargets.problemWith(url, PRODUCTION).isPresent()).isEqualTo(length > 2048);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://hooks.example.com/mailroom", "HTTP://hooks.example.com/"})
    void httpOnlyWhenAllowed(String url) {
        assertThat(WebhookTargets.problemWith(url, PRODUCTION))
                .hasValueSatisfying(p -> assertThat(p).contains("https", "mailroom.notifier.allow-http"));
        assertThat(WebhookTargets.problemWith(url, PRIVATE)).isPresent();
        assertThat(WebhookTargets.problemWith(url, HTTP)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://127.0.0.1/",
                "https://127.1.2.3:8080/",
                "https://localhost/",
                "https://LOCALHOST./",
                "https://api.localhost/",
                "https://metadata.google.internal/computeMetadata/v1/",
                "https://169.254.169.254/latest/meta-data/",
                "https://10.0.0.1/",
                "https://172.16.5.4/",
                "https://192.168.1.1/",
                "https://100.64.0.1/",
                "https://0.0.0.0/",
                "https://255.255.255.255/",
                "https://224.0.0.1/",
                "https://[::1]/",
                "https://[::]/",
                "https://[fe80::1]/",
                "https://[fd00::1]/",
                "https://[::ffff:127.0.0.1]/",
                "https://[::ffff:a9fe:a9fe]/",
                "https://[64:ff9b::a00:1]/",
                // Spellings of 127.0.0.1 that C resolvers accept.
                "https://2130706433/",
                "https://0x7f000001/",
                "https://0177.0.0.1/",
                "https://127.000.000.001/",
                // Names resolved on the local network.
                "https://redis/",
                "https://db:5432/"
            })
    void internalHostsOnlyWhenAllowed(String url) {
        assertThat(WebhookTargets.problemWith(url, PRODUCTION))
                .hasValueSatisfying(p -> assertThat(p).contains("mailroom.notifier.allow-private-addresses"));
        assertThat(WebhookTargets.problemWith(url, HTTP)).isPresent();
        assertThat(WebhookTargets.problemWith(url, PRIVATE)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "fc00::1", "::ffff:192.168.0.1"})
    void theNotifierCanJudgeTheAddressItConnectsTo(String internal) throws Exception {
        assertThat(WebhookTargets.isInternal(InetAddress.getByName(internal))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c8:1946", "100.128.0.1"})
    void publicAddressesAreNotInternal(String address) throws Exception {
        assertThat(WebhookTargets.isInternal(InetAddress.getByName(address))).isFalse();
    }
}
