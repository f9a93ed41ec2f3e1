package dev.mailroom.server.api;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.accounts.AccountException;
import dev.mailroom.server.messaging.PublishFailedException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.MethodParameter;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;

/**
 * Turns the API's failures into problem+json (RFC 9457) a person can act on, each titled by what
 * was wrong. Covers every controller of this package (the webhook sink answers for itself).
 */
@RestControllerAdvice(basePackageClasses = ApiExceptionHandler.class)
// Before Spring Boot's generic problem handler, which would otherwise answer a type mismatch itself;
// after RequestBodyLimit.Advice, so that a body cut at the limit is 413, not an unreadable 400.
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class ApiExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiExceptionHandler.class);

    @ExceptionHandler(InvalidRequestException.class)
    ProblemDetail invalid(InvalidRequestException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, e.getMessage());
        problem.setTitle(e.title());
        List<Map<String, String>> errors = e.violations().stream()
                .map(v -> Map.of("field", v.field(), "message", v.message()))
                .toList();
        problem.setProperty("errors", errors);
        return problem;
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ProblemDetail unreadable(HttpMessageNotReadableException e) {
        Throwable cause = e.getMostSpecificCause();
        JacksonException json = jsonFailure(e);
        String field = json == null ? "" : fieldOf(json);
        if (field.isEmpty()) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                    HttpStatus.BAD_REQUEST,
                    "the body is not valid JSON for this request: "
                            + (cause == null ? e.getMessage() : cause.getMessage()));
            problem.setTitle("Unreadable body");
            return problem;
        }
        // A value of the wrong shape (a date that is no date, a list that is a string): say which field.
        String message = explain(json);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, field + ": " + message);
        problem.setTitle("Unreadable body");
        problem.setProperty("errors", List.of(Map.of("field", field, "message", message)));
        return problem;
    }

    /**
     * What a value of the wrong shape should have been, in words the caller can act on; Jackson's own message names
     * Java classes and constructors ("Cannot construct instance of `dev.mailroom.contracts.Address`…").
     */
    static String explain(JacksonException e) {
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            String expected = expected(mismatch.getTargetType());
            if (expected != null) {
                // The value given, when there was one of the right JSON kind but the wrong form (a date that is no
                // date), bounded: it is the caller's own input, echoed to help them find it.
                String given = e instanceof InvalidFormatException invalid && invalid.getValue() != null
                        ? " (got '" + bounded(String.valueOf(invalid.getValue())) + "')"
                        : "";
                return "must be " + expected + given;
            }
        }
        return e.getOriginalMessage();
    }

    private static String bounded(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "…";
    }

    private static String expected(Class<?> type) {
        if (type == Address.class || type == Recipient.class) {
            return "an object such as {\"email\": \"ada@example.org\", \"name\": \"Ada\"}";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == Instant.class) {
            return "an ISO-8601 instant such as 2026-01-31T12:00:00Z";
        }
        if (type == UUID.class) {
            return "a UUID such as 5b0c2a8e-7f1d-4c3b-9a6e-0d4f8e2b1c7a";
        }
        if (type.isPrimitive() || Number.class.isAssignableFrom(type)) {
            return "a number";
        }
        if (type.isEnum()) {
            return "one of "
                    + Arrays.stream(type.getEnumConstants())
                            .map(String::valueOf)
                            .collect(Collectors.joining(", "));
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list (a JSON array)";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord()) {
            return "an object (a JSON object)";
        }
        return null;
    }

    private static JacksonException jsonFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JacksonException json) {
                return json;
            }
        }
        return null;
    }

    /** The JSON path of the failing value, as {@code to[0].email}; empty when the body itself is broken. */
    static String fieldOf(JacksonException json) {
        StringBuilder field = new StringBuilder();
        for (JacksonException.Reference reference : json.getPath()) {
            if (reference.getPropertyName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                field.append('[').append(reference.getIndex()).append(']');
            }
        }
        return field.toString();
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail mismatch(MethodArgumentTypeMismatchException e) {
        MethodParameter parameter = e.getParameter();
        String where = parameter.hasParameterAnnotation(PathVariable.class)
                ? "path"
                : parameter.hasParameterAnnotation(RequestHeader.class) ? "header" : "query parameter";
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_REQUEST,
                where + " '" + e.getName() + "' has an invalid value '" + e.getValue() + "'"
                        + (e.getRequiredType() == java.time.Instant.class
                                ? " (use an ISO-8601 instant such as 2026-01-31T12:00:00Z)"
                                : ""));
        problem.setTitle(
                "path".equals(where)
                        ? "Invalid path"
                        : "header".equals(where) ? "Invalid header" : "Invalid query parameter");
        problem.setProperty("errors", List.of(Map.of("field", e.getName(), "message", "has an invalid value")));
        return problem;
    }

    @ExceptionHandler(AccountException.class)
    ProblemDetail account(AccountException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(e.status()), e.getMessage());
        problem.setTitle(e.title());
        problem.setProperty(
                "errors",
                e.violations().stream()
                        .map(v -> Map.of("field", v.field(), "message", v.message()))
                        .toList());
        return problem;
    }

    @ExceptionHandler(MessageNotFoundException.class)
    ProblemDetail notFound(MessageNotFoundException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(MemberNotFoundException.class)
    ProblemDetail memberNotFound(MemberNotFoundException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
    }

    @ExceptionHandler(WrongStatusException.class)
    ProblemDetail wrongStatus(WrongStatusException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Wrong status");
        problem.setProperty("messageStatus", e.status());
        return problem;
    }

    @ExceptionHandler(NoDecisionException.class)
    org.springframework.http.ResponseEntity<ProblemDetail> noDecision(NoDecisionException e) {
        log.warn("No decision in time: {}", e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setTitle("No decision in time");
        return org.springframework.http.ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(org.springframework.http.HttpHeaders.RETRY_AFTER, "5")
                .body(problem);
    }

    @ExceptionHandler(IdempotencyKeyReusedException.class)
    ProblemDetail idempotencyKeyReused(IdempotencyKeyReusedException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, e.getMessage());
        problem.setTitle("Idempotency-Key reused");
        problem.setProperty(
                "errors",
                List.of(Map.of(
                        "field",
                        IdempotencyKeyReusedException.FIELD,
                        "message",
                        "was already used with another body")));
        return problem;
    }

    @ExceptionHandler(SendLimitReachedException.class)
    org.springframework.http.ResponseEntity<ProblemDetail> sendLimitReached(SendLimitReachedException e) {
        dev.mailroom.server.accounts.SendAllowance.Grant grant = e.grant();
        java.time.Instant now = java.time.Instant.now();
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.TOO_MANY_REQUESTS, e.getMessage());
        problem.setTitle(SendLimitReachedException.TITLE);
        problem.setProperty("limit", grant.refusedBy().window().value());
        problem.setProperty("allowed", grant.refusedBy().limit());
        problem.setProperty("plan", grant.usage().plan());
        problem.setProperty("retryAt", grant.retryAt().toString());
        problem.setProperty(
                "errors",
                List.of(Map.of(
                        "field",
                        "limit",
                        "message",
                        SendLimitReachedException.violation(grant).message())));
        org.springframework.http.HttpHeaders headers = SendLimitHeaders.of(grant.usage(), now);
        headers.set(org.springframework.http.HttpHeaders.RETRY_AFTER, SendLimitHeaders.retryAfter(grant, now));
        return org.springframework.http.ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .headers(headers)
                .contentType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    @ExceptionHandler(SubmissionRefusedException.class)
    ProblemDetail refused(SubmissionRefusedException e) {
        SubmissionOutcome outcome = e.outcome();
        ProblemDetail problem =
                ProblemDetail.forStatusAndDetail(HttpStatus.valueOf(outcome.status()), outcome.detail());
        problem.setTitle(outcome.title());
        if (!outcome.errors().isEmpty()) {
            problem.setProperty(
                    "errors",
                    outcome.errors().stream()
                            .map(v -> Map.of("field", v.field(), "message", v.message()))
                            .toList());
        }
        return problem;
    }

    @ExceptionHandler(PublishFailedException.class)
    ProblemDetail unavailable(PublishFailedException e) {
        log.warn("Submission not accepted: {}", e.getMessage());
        return ProblemDetail.forStatusAndDetail(
                HttpStatus.SERVICE_UNAVAILABLE,
                "the message broker did not take the email; nothing was queued, please retry");
    }
}
