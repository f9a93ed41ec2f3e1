package dev.mailroom.server.providers.ses;

import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.support.HttpOutcomes;
import java.time.Instant;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * SES's answers to {@code SendEmail}, as outcomes. The shared HTTP rules decide first (429 and
 * 5xx retry, other 4xx are final), with two SES-specific retries on top:
 * <ul>
 * <li>throttling that SES reports with a 400 (the SDK knows those error codes) and
 * {@code LimitExceededException} (a sending quota: it resets, the email is fine);</li>
 * <li>a clock-skew error: the SDK corrects its clock from the answer, so the next attempt
 * signs with the right time.</li>
 * </ul>
 * Everything else at 4xx is {@code Rejected} with SES's error code and message:
 * {@code MessageRejected}, {@code MailFromDomainNotVerifiedException},
 * {@code BadRequestException}, {@code NotFoundException} (a configuration set that does not
 * exist), {@code AccountSuspendedException} and {@code SendingPausedException}. Sending paused
 * is deliberately not retried: SES pauses an account or configuration set for reputation review
 * or by an operator's decision, which lasts hours to days, far beyond our retry back-off. Retrying
 * would only delay the same verdict and hide the reason behind "gave up after n attempts".
 */
final class SesFailures {
    static final String PROVIDER = SesProvider.NAME;
    private static final Set<String> RETRYABLE_CODES = Set.of("LimitExceededException", "TooManyRequestsException");

    private SesFailures() {}

    static DeliveryOutcome outcome(AwsServiceException e, Instant now) {
        AwsErrorDetails details = e.awsErrorDetails();
        String code = details == null ? null : details.errorCode();
        String message = details == null ? null : details.errorMessage();
        String reason = code == null ? message : message == null ? code : code + ": " + message;
        String retryAfter = details == null || details.sdkHttpResponse() == null
                ? null
                : details.sdkHttpResponse().firstMatchingHeader("Retry-After").orElse(null);
        int status = e.statusCode();
        if (!HttpOutcomes.isRetryable(status)
                && (e.isThrottlingException() || e.isClockSkewException() || RETRYABLE_CODES.contains(code))) {
            return new DeliveryOutcome.RetryLater(
                    PROVIDER + " answered " + status + (reason == null ? "" : ": " + oneLine(reason)),
                    HttpOutcomes.retryAfter(retryAfter, now),
                    e.isThrottlingException() || RETRYABLE_CODES.contains(code));
        }
        return HttpOutcomes.failure(PROVIDER, status, retryAfter, reason, now);
    }

    /** No answer from SES (connection refused, timeout, no credentials found): SES never took the email. */
    static DeliveryOutcome unreachable(SdkClientException e) {
        return HttpOutcomes.unreachable(PROVIDER, e);
    }

    private static String oneLine(String s) {
        String line = s.replaceAll("\\s+", " ").trim();
        return line.length() <= 500 ? line : line.substring(0, 500) + "…";
    }
}
