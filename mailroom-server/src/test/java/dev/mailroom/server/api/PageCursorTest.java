package dev.mailroom.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class PageCursorTest {

    @Test
    void aCursorSurvivesTheRoundTripToMicroseconds() {
        PageCursor cursor = new PageCursor(Instant.parse("2026-11-28T10:15:30.123456Z"), UUID.randomUUID());
        assertThat(PageCursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void aCursorIsUrlSafe() {
        assertThat(new PageCursor(Instant.now(), UUID.randomUUID()).encode()).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void aForgedCursorIsRefusedWithAnActionableMessage() {
        assertThatThrownBy(() -> PageCursor.decode("bm9wZQ")).hasMessageContaining("nextCursor");
    }

    @Test
    void aMemberCursorKeepsAMemberIdWithColons() {
        MemberCursor cursor = new MemberCursor(Instant.parse("2026-11-28T10:15:30.123456Z"), "tenant:42:user");
        assertThat(MemberCursor.decode(cursor.encode())).isEqualTo(cursor);
    }

    @Test
    void aMemberCursorIsNotAMessageCursor() {
        String memberCursor = new MemberCursor(Instant.now(), "user-42").encode();
        assertThatThrownBy(() -> PageCursor.decode(memberCursor)).hasMessageContaining("nextCursor");
    }
}
