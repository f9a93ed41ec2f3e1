package dev.mailroom.server.operator;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.EmailRules;
import dev.mailroom.contracts.ErasureRequest;
import dev.mailroom.contracts.MalformedMessageException;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes the API's erasure requests off the control queue: records each (its audit row and its work, one transaction)
 * and wakes the {@link ErasureWorker}, which carries it out in batches on a thread of its own, so that the control
 * queue's other requests (a cancel someone waits for) never wait behind an erasure. A request recorded before is
 * not recorded again.
 */
@Service
@ConditionalOnRole(Role.OPERATOR)
class ErasureRequests {
    private static final Logger log = LoggerFactory.getLogger(ErasureRequests.class);

    private final ErasureStore store;
    private final ErasureWorker worker;
    private final TransactionTemplate tx;
    private final Clock clock;

    ErasureRequests(ErasureStore store, ErasureWorker worker, TransactionTemplate tx, Clock clock) {
        this.store = store;
        this.worker = worker;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * What a request must hold before it is recorded; one without it is poison (dead-lettered). The API checks all of
     * this before it publishes; this is the operator not trusting the queue.
     */
    static ErasureRequest validated(ErasureRequest request) {
        if (request.erasureId() == null
                || request.organizationId() == null
                || request.requestedBy() == null
                || request.requestedAt() == null) {
            throw new MalformedMessageException(
                    "an erasure request needs an erasureId, an organizationId, a requestedBy and a requestedAt");
        }
        if (request.email() == null || !EmailRules.isValidAddress(Address.normalize(request.email()))) {
            throw new MalformedMessageException("an erasure request's email is not a valid email address");
        }
        FieldLimits.check("organizationId", request.organizationId(), 64);
        StorableValues.checkText("organizationId", request.organizationId());
        FieldLimits.check("requestedBy", request.requestedBy(), 64);
        StorableValues.checkText("requestedBy", request.requestedBy());
        FieldLimits.check("email", request.email(), 320);
        StorableValues.checkTime("requestedAt", request.requestedAt());
        return request;
    }

    /** Records the requests, each in its own transaction (all-or-nothing per request, as {@link Isolation} needs). */
    void record(List<ErasureRequest> requests) {
        boolean any = false;
        for (ErasureRequest request : requests) {
            ErasureRequest normalized = new ErasureRequest(
                    request.erasureId(),
                    request.organizationId(),
                    Address.normalize(request.email()),
                    request.requestedBy(),
                    request.requestedAt());
            Boolean recorded = tx.execute(status -> store.record(normalized, clock.instant()));
            if (Boolean.TRUE.equals(recorded)) {
                any = true;
                // The id and organization only: the address never goes into a log line.
                log.info(
                        "Erasure {} of organization {} recorded",
                        request.erasureId(),
                        dev.mailroom.server.LogSafe.escape(request.organizationId()));
            }
        }
        if (any) {
            worker.wake();
        }
    }
}
