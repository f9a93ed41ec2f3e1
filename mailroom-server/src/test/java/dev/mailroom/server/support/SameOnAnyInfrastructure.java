package dev.mailroom.server.support;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test whose outcome does not depend on the broker and database the suite is given: it starts its own embedded
 * Mailroom, reads only source and files, or drives the dashboard's pages (static pages over the REST API, whose every
 * route the API tests run on each infrastructure). {@code .ci/run} runs it once, in its first pass (embedded broker +
 * H2), and leaves it out of the second (RabbitMQ + PostgreSQL) with {@code -DexcludedGroups=} this tag.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag(SameOnAnyInfrastructure.TAG)
public @interface SameOnAnyInfrastructure {
    String TAG = "same-on-any-infrastructure";
}
