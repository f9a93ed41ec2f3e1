package dev.mailroom.server.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.server.MailroomProperties;
import dev.mailroom.server.security.Scope;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfiguredKeysTest {
    @TempDir
    Path dataDir;

    private ConfiguredKeys start(String bootstrapKey) {
        return new ConfiguredKeys(
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
        assertThat(start(null).callerFor(KeyMaterial.hash(key)))
                .hasValueSatisfying(c -> assertThat(c.scopes()).containsExactlyInAnyOrder(Scope.values()));
    }

    @Test
    void aConfiguredKeyIsNeverEchoed() {
        ConfiguredKeys keys = start("my-secret-key-123");

        assertThat(keys.apiKeyForDisplay()).doesNotContain("my-secret-key-123");
        assertThat(keys.callerFor(KeyMaterial.hash("my-secret-key-123"))).isPresent();
        assertThat(keys.callerFor(KeyMaterial.hash("my-secret-key-124"))).isEmpty();
    }
}
