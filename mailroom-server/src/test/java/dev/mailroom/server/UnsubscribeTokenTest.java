package dev.mailroom.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class UnsubscribeTokenTest {
    static final byte[] INTERNAL = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    static final byte[] KEY = UnsubscribeToken.keyFrom(INTERNAL);
    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    static final UUID MESSAGE = UUID.fromString("5d0c2f7a-1e7b-4c44-9a3e-8f8e2b6f0c21");

    static UnsubscribeToken.Claims claims(String recipient, Instant expiresAt) {
        return new UnsubscribeToken.Claims("acme-1", MESSAGE, recipient, expiresAt);
    }

    @Test
    void aTokenMailroomIssuedVerifiesToItsClaimsWithTheRecipientNormalized() {
        String token = UnsubscribeToken.issue(KEY, claims(" Ada.Lovelace@Example.ORG", NOW.plus(Duration.ofDays(60))));

        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{43}");
        assertThat(UnsubscribeToken.verify(KEY, token, NOW))
                .isEqualTo(new UnsubscribeToken.Valid(new UnsubscribeToken.Claims(
                        "acme-1",
                        MESSAGE,
                        "ada.lovelace@example.org",
                        Instant.ofEpochSecond(NOW.plus(Duration.ofDays(60)).getEpochSecond()))));
        String payload = new String(
                Base64.getUrlDecoder().decode(token.substring(0, token.indexOf('.'))), StandardCharsets.UTF_8);
        assertThat(payload)
                .isEqualTo("v1.acme-1." + MESSAGE + ".ada.lovelace@example.org."
                        + NOW.plus(Duration.ofDays(60)).getEpochSecond());
    }

    @Test
    void theUnsubscribeKeyIsNotTheInternalKeyItself() {
        assertThat(KEY).hasSize(32).isNotEqualTo(INTERNAL);
        String signedWithInternal = UnsubscribeToken.issue(INTERNAL, claims("ada@example.org", NOW.plusSeconds(60)));
        assertThat(UnsubscribeToken.verify(KEY, signedWithInternal, NOW)).isInstanceOf(UnsubscribeToken.Refused.class);
    }

    @Test
    void everyOneCharacterChangeIsRefused() {
        String token = UnsubscribeToken.issue(KEY, claims("ada@example.org", NOW.plusSeconds(60)));
        for (int i = 0; i < token.length(); i++) {
            if (token.charAt(i) == '.') {
                continue;
            }
            char other = token.charAt(i) == 'A' ? 'B' : 'A';
            String altered = token.substring(0, i) + other + token.substring(i + 1);
            assertThat(UnsubscribeToken.verify(KEY, altered, NOW))
                    .as("changed at %d", i)
                    .isNotInstanceOf(UnsubscribeToken.Valid.class);
        }
    }

    @Test
    void anotherRecipientSwappedIntoAGenuineTokenIsRefused() {
        String token = UnsubscribeToken.issue(KEY, claims("ada@example.org", NOW.plusSeconds(60)));
        String mac = token.substring(token.indexOf('.') + 1);
        String swapped = Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(("v1.acme-1." + MESSAGE + ".grace@example.org."
                                        + NOW.plusSeconds(60).getEpochSecond())
                                .getBytes(StandardCharsets.UTF_8))
                + "." + mac;
        assertThat(UnsubscribeToken.verify(KEY, swapped, NOW)).isInstanceOf(UnsubscribeToken.Refused.class);
    }

    @Test
    void anExpiredTokenIsRefusedFromItsExpiryOn() {
        Instant expiry = NOW.plusSeconds(60);
        String token = UnsubscribeToken.issue(KEY, claims("ada@example.org", expiry));
        assertThat(UnsubscribeToken.verify(KEY, token, expiry.minusSeconds(1)))
                .isInstanceOf(UnsubscribeToken.Valid.class);
        assertThat(UnsubscribeToken.verify(KEY, token, expiry))
                .isInstanceOfSatisfying(
                        UnsubscribeToken.Refused.class,
                        r -> assertThat(r.reason()).contains("expired"));
    }

    @Test
    void whatIsNotATokenIsMalformed() {
        String tooLong = "a".repeat(UnsubscribeToken.MAX_LENGTH) + ".b";
        for (String junk :
                new String[] {"", "abc", "abc.", ".abc", "a.b.c", "ab+c.def", "abc.de/f", tooLong, "a b.cd"}) {
            assertThat(UnsubscribeToken.verify(KEY, junk, NOW)).as(junk).isInstanceOf(UnsubscribeToken.Malformed.class);
        }
        assertThat(UnsubscribeToken.verify(KEY, null, NOW)).isInstanceOf(UnsubscribeToken.Malformed.class);
    }

    @Test
    void claimsThatCannotBeReadBackGetNoToken() {
        assertThatThrownBy(() -> UnsubscribeToken.issue(
                        KEY, new UnsubscribeToken.Claims("dotted.org", MESSAGE, "ada@example.org", NOW)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> UnsubscribeToken.issue(KEY, claims("ada lovelace@example.org", NOW)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
