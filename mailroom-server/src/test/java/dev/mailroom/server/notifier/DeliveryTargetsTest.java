package dev.mailroom.server.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class DeliveryTargetsTest {
    private final DeliveryTargets production = new DeliveryTargets(false, false);

    @Test
    void acceptsAPublicHttpsUrl() {
        assertThat(production.check("https://hooks.example.com/mailroom")).isEmpty();
        assertThat(production.check("https://93.184.216.34/x")).isEmpty();
    }

    @Test
    void refusesHttpUnlessAllowed() {
        assertThat(production.check("http://hooks.example.com/"))
                .hasValueSatisfying(p -> assertThat(p).contains("https"));
        assertThat(new DeliveryTargets(true, false).check("http://hooks.example.com/"))
                .isEmpty();
        assertThat(production.check("ftp://hooks.example.com/")).isPresent();
    }

    @Test
    void refusesInternalAddressLiteralsUnlessAllowed() {
        for (String url : new String[] {
            "https://127.0.0.1/",
            "https://localhost/",
            "https://10.1.2.3/",
            "https://172.16.0.1/",
            "https://192.168.1.1/",
            "https://169.254.169.254/latest/meta-data",
            "https://100.64.0.1/",
            "https://0.0.0.0/",
            "https://[::1]/",
            "https://[fd00::1]/",
            "https://[fe80::1]/",
            "https://[::ffff:127.0.0.1]/",
            "https://224.0.0.1/"
        }) {
            assertThat(production.check(url)).as(url).isPresent();
            assertThat(new DeliveryTargets(false, true).check(url)).as(url).isEmpty();
        }
    }

    @Test
    void refusesUrlsWithCredentialsOrWithoutHost() {
        assertThat(production.check("https://user:pw@hooks.example.com/")).isPresent();
        assertThat(production.check("https:///path")).isPresent();
        assertThat(production.check("not a url")).isPresent();
        assertThat(production.check(null)).isPresent();
    }

    @Test
    void theResolverRefusesANameThatResolvesToAnInternalAddress() throws UnknownHostException {
        // "localhost" resolves to loopback: what a rebinding name would do after its registration.
        assertThatThrownBy(() -> production.resolver().resolve("localhost"))
                .isInstanceOf(UnknownHostException.class)
                .hasMessageContaining("internal address");
        assertThat(new DeliveryTargets(false, true).resolver().resolve("localhost"))
                .isNotEmpty();
        assertThat(DeliveryTargets.isInternal(InetAddress.getByName("8.8.8.8"))).isFalse();
    }
}
