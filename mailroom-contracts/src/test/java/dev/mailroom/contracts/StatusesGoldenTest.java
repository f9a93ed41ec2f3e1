package dev.mailroom.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code golden/statuses.v1.json} lists every status of the Contract with its precedence, in order. Programs
 * that order statuses themselves (a customer's webhook consumer, a dashboard) are written against it, so a
 * new status or a changed precedence must show up as a change of that file, reviewed as a Contract change.
 */
class StatusesGoldenTest {

    @Test
    void theEnumListsExactlyTheGoldenStatusesWithTheirPrecedenceInOrder() throws IOException {
        List<String> golden = new ArrayList<>();
        for (JsonNode status : golden().get("statuses")) {
            golden.add(status.get("name").asString() + "="
                    + status.get("precedence").asInt());
        }

        List<String> enumerated = Arrays.stream(MessageStatus.values())
                .map(s -> s.name() + "=" + s.precedence())
                .toList();

        assertThat(enumerated).containsExactlyElementsOf(golden);
    }

    @Test
    void theGoldenPrecedencesRiseStrictly() throws IOException {
        int previous = Integer.MIN_VALUE;
        for (JsonNode status : golden().get("statuses")) {
            int precedence = status.get("precedence").asInt();
            assertThat(precedence)
                    .as("precedence of %s", status.get("name").asString())
                    .isGreaterThan(previous);
            previous = precedence;
        }
    }

    private static JsonNode golden() throws IOException {
        try (InputStream in = StatusesGoldenTest.class.getResourceAsStream("/golden/statuses.v1.json")) {
            return ContractJson.mapper().readTree(in.readAllBytes());
        }
    }
}
