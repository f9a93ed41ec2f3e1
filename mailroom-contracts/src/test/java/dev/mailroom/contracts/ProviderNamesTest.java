package dev.mailroom.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProviderNamesTest {

    @Test
    void theContractListsEveryProviderOnceInItsOrder() {
        assertThat(ProviderNames.all()).containsExactly("sandbox", "smtp", "sendgrid", "postmark", "ses", "mailgun", "resend");
    }

    @Test
    void onlyAnExactNameOfTheListIsKnown() {
        assertThat(ProviderNames.isKnown(ProviderNames.SMTP)).isTrue();
        assertThat(ProviderNames.isKnown("SMTP")).isFalse();
        assertThat(ProviderNames.isKnown("carrier-pigeon")).isFalse();
        assertThat(ProviderNames.isKnown(null)).isFalse();
    }
}
