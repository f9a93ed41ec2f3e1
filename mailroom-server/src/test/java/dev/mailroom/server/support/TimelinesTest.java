package dev.mailroom.server.support;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TimelinesTest {
    @Test
    void providerEventsTimedBeforeTheDispatchFollowIt() {
        assertThat(Timelines.pipelineStatuses(ApiClient.JSON.readTree("""
                        {"activities": [
                          {"status": "ACCEPTED"}, {"status": "QUEUED"},
                          {"status": "DELIVERED", "providerEvent": "delivered"},
                          {"status": "OPENED", "providerEvent": "opened"},
                          {"status": "DISPATCHED", "providerEvent": null},
                          {"status": "CLICKED", "providerEvent": "clicked"}]}
                        """)))
                .containsExactly("ACCEPTED", "QUEUED", "DISPATCHED", "DELIVERED", "OPENED", "CLICKED");
    }

    @Test
    void theDispatchersOwnDeferralBeforeARetryStaysBeforeIt() {
        assertThat(Timelines.pipelineStatuses(ApiClient.JSON.readTree("""
                        {"activities": [
                          {"status": "ACCEPTED"}, {"status": "QUEUED"}, {"status": "DEFERRED"},
                          {"status": "DISPATCHED"}, {"status": "DELIVERED", "providerEvent": "delivered"}]}
                        """)))
                .containsExactly("ACCEPTED", "QUEUED", "DEFERRED", "DISPATCHED", "DELIVERED");
    }
}
