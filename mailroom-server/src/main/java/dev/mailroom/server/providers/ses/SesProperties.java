package dev.mailroom.server.providers.ses;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Amazon SES (API v2) for sending, and Amazon SNS (SES event publishing) for its webhooks. The
 * provider exists only when {@code region} is set: credentials may legitimately come from the
 * AWS default chain (instance role, environment), so the region is what says "SES is in use".
 *
 * @param region              the AWS region of the SES account, e.g. {@code us-east-1}
 * @param endpoint            overrides the SES endpoint the AWS SDK way (scheme, host, optional
 *                            path prefix): a VPC endpoint, a proxy, a fake in tests
 * @param accessKeyId         static credentials; when unset, the AWS SDK's default chain
 * @param secretAccessKey     the secret of {@code accessKeyId}; never logged
 * @param configurationSet    the SES configuration set whose event destination publishes to the
 *                            SNS topic that calls {@code /webhooks/ses}; without one, SES
 *                            publishes no events (only identity notifications)
 * @param certificateCacheDir SNS signing certificates, each file named by the last path segment
 *                            of its {@code SigningCertURL}; trusted as placed there and used
 *                            before any download (offline use, tests)
 * @param topicArns           the only SNS topics whose messages are accepted and whose
 *                            subscriptions are confirmed. Unset, {@code /webhooks/ses} refuses
 *                            every message (403) unless {@code acceptAnyTopic} is set
 * @param acceptAnyTopic      accept (and confirm subscriptions of) any SNS topic when
 *                            {@code topicArns} is unset. Anyone with an AWS account can then
 *                            subscribe this endpoint to their own topic and post genuinely
 *                            SNS-signed events: for trials only, never in production
 */
@ConfigurationProperties("mailroom.providers.ses")
record SesProperties(
        String region,
        String endpoint,
        String accessKeyId,
        String secretAccessKey,
        String configurationSet,
        String certificateCacheDir,
        List<String> topicArns,
        boolean acceptAnyTopic) {

    SesProperties {
        // Blank means unset: an empty environment variable must not become an empty credential.
        region = blankToNull(region);
        endpoint = blankToNull(endpoint);
        accessKeyId = blankToNull(accessKeyId);
        secretAccessKey = blankToNull(secretAccessKey);
        configurationSet = blankToNull(configurationSet);
        certificateCacheDir = blankToNull(certificateCacheDir);
        topicArns = topicArns == null
                ? List.of()
                : topicArns.stream()
                        .map(SesProperties::blankToNull)
                        .filter(t -> t != null)
                        .toList();
        if ((accessKeyId == null) != (secretAccessKey == null)) {
            throw new IllegalArgumentException(
                    "mailroom.providers.ses.access-key-id and secret-access-key must be set together");
        }
        if (endpoint != null) {
            URI uri = URI.create(endpoint);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException(
                        "mailroom.providers.ses.endpoint must be an absolute URL, got " + endpoint);
            }
        }
    }

    boolean hasStaticCredentials() {
        return accessKeyId != null;
    }

    URI endpointUri() {
        return endpoint == null ? null : URI.create(endpoint);
    }

    Path certificateCachePath() {
        return certificateCacheDir == null ? null : Path.of(certificateCacheDir);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** The record's own toString would print the secret key into any log line that shows the settings. */
    @Override
    public String toString() {
        return "SesProperties[region=" + region + ", endpoint=" + endpoint + ", accessKeyId=" + accessKeyId
                + ", secretAccessKey=" + (secretAccessKey == null ? "null" : "****") + ", configurationSet="
                + configurationSet
                + ", certificateCacheDir=" + certificateCacheDir + ", topicArns=" + topicArns + ", acceptAnyTopic="
                + acceptAnyTopic + "]";
    }
}
