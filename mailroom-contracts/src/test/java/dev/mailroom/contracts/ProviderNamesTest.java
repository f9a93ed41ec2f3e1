package dev.mailroom.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProviderNamesTest {

    @Test
    void theContractKeepsEveryProviderItEverNamedEachOnceAsAPathSegment() {
        // New providers may join (ArchitectureTest checks the list against the provider packages);
        // none of the Contract's may leave, and each name is a plain lower-case path segment.
        assertThat(ProviderNames.all())
                .containsSubsequence("sandbox", "smtp", "sendgrid", "postmark", "ses", "mailgun", "resend")
                .doesNotHaveDuplicates()
                .allMatch(name -> name.matches("[a-z0-9-]+"));
    }

    @Test
    void onlyAnExactNameOfTheListIsKnown() {
        assertThat(ProviderNames.isKnown(ProviderNames.SMTP)).isTrue();
        assertThat(ProviderNames.isKnown("SMTP")).isFalse();
        assertThat(ProviderNames.isKnown("carrier-pigeon")).isFalse();
        assertThat(ProviderNames.isKnown(null)).isFalse();
    }
}
