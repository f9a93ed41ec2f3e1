package dev.mailroom.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.MailroomProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {
    @TempDir
    Path dataDir;

    private ApiKeys start(String bootstrapKey) {
        return new ApiKeys(
                new MailroomProperties(null, dataDir, new MailroomProperties.Api(bootstrapKey), null, null, null));
    }

    @Test
    void aGeneratedKeyIsShownWholeOnceAndAfterwardsOnlyByItsPrefixAndFile() throws Exception {
        String first = start(null).apiKeyForDisplay();
        String key = Files.readString(dataDir.resolve("api-key")).trim();

        String later = start(null).apiKeyForDisplay();

        assertThat(first).contains(key);
        assertThat(later)
                .doesNotContain(key)
                .startsWith(key.substring(0, 7))
                .contains(dataDir.resolve("api-key").toString());
        assertThat(start(null).callerFor(key))
                .hasValueSatisfying(c -> assertThat(c.admin()).isTrue());
    }

    @Test
    void aConfiguredKeyIsNeverEchoed() {
        ApiKeys keys = start("my-secret-key-123");

        assertThat(keys.apiKeyForDisplay()).doesNotContain("my-secret-key-123");
        assertThat(keys.callerFor("my-secret-key-123")).isPresent();
        assertThat(keys.callerFor("my-secret-key-124")).isEmpty();
    }
}
