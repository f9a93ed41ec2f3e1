package dev.mailroom.server.api;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * The suppression routes' own failures as problem+json; everything else they raise (invalid requests, unreadable
 * bodies) is {@link ApiExceptionHandler}'s, like every route's.
 */
@RestControllerAdvice(assignableTypes = SuppressionsController.class)
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class SuppressionsAdvice {
    private static final Logger log = LoggerFactory.getLogger(SuppressionsAdvice.class);

    @ExceptionHandler(SuppressionsNotFoundException.class)
    ProblemDetail notFound(SuppressionsNotFoundException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Not on the suppression list");
        return problem;
    }

    @ExceptionHandler(SuppressionsUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(SuppressionsUnavailableException e) {
        log.warn("Suppression list not changed in time: {}", e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setTitle("No decision in time");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "5")
                .body(problem);
    }
}
