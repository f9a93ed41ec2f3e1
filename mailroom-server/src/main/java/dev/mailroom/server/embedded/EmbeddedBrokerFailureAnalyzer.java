package dev.mailroom.server.embedded;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Prints an embedded broker that could not start as Spring Boot's "APPLICATION FAILED TO START"
 * block, the cause and what to change first, instead of a page of nested bean-creation errors.
 */
class EmbeddedBrokerFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedQpidBroker.EmbeddedBrokerStartException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedQpidBroker.EmbeddedBrokerStartException cause) {
        return new FailureAnalysis(cause.description(), cause.action(), cause);
    }
}
