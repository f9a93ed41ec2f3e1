package dev.mailroom.server.accounts;

import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.util.UUID;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.stereotype.Component;

/** Ends a person's other dashboard sessions (on every API process: they are rows), e.g. after a password change. */
@Component
@ConditionalOnRole(Role.API)
class OtherSessions {
    private final FindByIndexNameSessionRepository<? extends Session> sessions;

    OtherSessions(FindByIndexNameSessionRepository<? extends Session> sessions) {
        this.sessions = sessions;
    }

    /** @return how many sessions were ended */
    int end(UUID userId, String keep) {
        int ended = 0;
        for (String id : sessions.findByPrincipalName(userId.toString()).keySet()) {
            if (!id.equals(keep)) {
                sessions.deleteById(id);
                ended++;
            }
        }
        return ended;
    }
}
