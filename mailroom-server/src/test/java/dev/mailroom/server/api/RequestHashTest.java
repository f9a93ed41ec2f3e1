package dev.mailroom.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.mailroom.contracts.ContractJson;
import org.junit.jupiter.api.Test;

/** An Idempotency-Key compares requests by what they mean, not by their bytes. */
class RequestHashTest {

    private static String hashOf(String json) {
        return IdempotencyKeys.requestHash(ContractJson.mapper().readValue(json, SubmissionRequest.class));
    }

    @Test
    void whitespaceAndTheOrderOfKeysDoNotChangeTheHash() {
        String compact = "{\"from\":{\"email\":\"app@example.com\"},\"to\":[{\"email\":\"ada@example.org\"}],"
                + "\"subject\":\"Hi\",\"text\":\"Hello\",\"headers\":{\"X-A\":\"1\",\"X-B\":\"2\"},"
                + "\"metadata\":{\"plan\":\"pro\",\"order\":\"42\"}}";
        String reordered = """
                {
                  "metadata" : { "order" : "42", "plan" : "pro" },
                  "text" : "Hello",
                  "headers" : { "X-B" : "2", "X-A" : "1" },
                  "subject" : "Hi",
                  "to" : [ { "email" : "ada@example.org" } ],
                  "from" : { "email" : "app@example.com" }
                }
                """;

        assertThat(hashOf(reordered)).isEqualTo(hashOf(compact)).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void anAbsentListMeansTheSameAsAnEmptyOne() {
        String without = "{\"from\":{\"email\":\"app@example.com\"},\"to\":[{\"email\":\"ada@example.org\"}],"
                + "\"subject\":\"Hi\",\"text\":\"Hello\"}";
        String withEmpty = "{\"cc\":[],\"tags\":[],\"from\":{\"email\":\"app@example.com\"},"
                + "\"to\":[{\"email\":\"ada@example.org\"}],\"subject\":\"Hi\",\"text\":\"Hello\"}";

        assertThat(hashOf(withEmpty)).isEqualTo(hashOf(without));
    }

    @Test
    void anyDifferenceInMeaningChangesTheHash() {
        String base = "{\"from\":{\"email\":\"app@example.com\"},\"to\":[{\"email\":\"ada@example.org\"}],"
                + "\"subject\":\"Hi\",\"text\":\"Hello\"";

        assertThat(java.util.List.of(
                        hashOf(base + "}"),
                        hashOf(base.replace("Hello", "Hello!") + "}"),
                        hashOf(base.replace("ada@", "bob@") + "}"),
                        hashOf(base + ",\"sendAt\":\"2030-01-01T00:00:00Z\"}"),
                        hashOf(base + ",\"provider\":\"smtp\"}"),
                        hashOf(base + ",\"tags\":[\"a\",\"b\"]}"),
                        hashOf(base + ",\"tags\":[\"b\",\"a\"]}")))
                .doesNotHaveDuplicates();
    }
}
