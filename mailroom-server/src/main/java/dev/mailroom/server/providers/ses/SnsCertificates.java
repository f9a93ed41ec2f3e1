package dev.mailroom.server.providers.ses;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.mailroom.server.providers.WebhookRejectedException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * The SNS signing certificates, by {@code SigningCertURL}: from memory, else from the
 * certificate cache directory (files named by the URL's last path segment, trusted as the
 * operator placed them), else downloaded from the SNS host over HTTPS.
 *
 * <p>A downloaded certificate must also name SNS ({@code sns.amazonaws.com}, or the regional
 * forms AWS uses in China and GovCloud) in its subject alternative names or common name, as the
 * AWS SDK for Java checks: the TLS connection proves the host, this proves the file.
 */
final class SnsCertificates {
    private static final Logger log = LoggerFactory.getLogger(SnsCertificates.class);
    /** A plain file name: no separators, no "..", so a URL cannot reach outside the directory. */
    private static final Pattern FILE_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,200}\\.pem$");

    private static final Pattern SNS_CERTIFICATE_NAME = Pattern.compile("^sns[a-z0-9.-]*\\.amazonaws\\.com(\\.cn)?$");
    /** SNS signs with a handful of certificates at a time; more than this means someone is probing. */
    private static final int MAX_CACHED = 64;

    private static final int MAX_CERTIFICATE_BYTES = 64 * 1024;
    /** A URL that answered 4xx or served no SNS certificate: SNS never signs with it, no hurry to ask again. */
    static final Duration REFUSED_FOR = Duration.ofMinutes(10);
    /** A URL that could not be fetched (5xx, network): SNS retries its message, so try again soon. */
    static final Duration UNAVAILABLE_FOR = Duration.ofSeconds(30);

    private static final int MAX_FAILURES_REMEMBERED = 1_000;

    private final Path cacheDir;
    private final RestClient http;
    private final SnsEndpoints endpoints;
    private final Map<String, X509Certificate> memory = new ConcurrentHashMap<>();
    /**
     * URLs whose download failed, not tried again for a while (bounded: an attacker can name
     * any number of URLs on SNS hosts, but cannot make us fetch each one on every call).
     */
    private final Cache<String, FailedFetch> failures = Caffeine.newBuilder()
            .maximumSize(MAX_FAILURES_REMEMBERED)
            .expireAfterWrite(REFUSED_FOR)
            .build();

    SnsCertificates(Path cacheDir, RestClient http, SnsEndpoints endpoints) {
        this.cacheDir = cacheDir;
        this.http = http;
        this.endpoints = endpoints;
    }

    /**
     * @throws WebhookRejectedException 401 for a URL we do not trust or a certificate that is not SNS's
     * @throws SnsCertificateUnavailableException when the certificate cannot be fetched now (our
     *                                            problem: the caller answers 5xx and SNS retries)
     */
    X509Certificate forUrl(String signingCertUrl) {
        X509Certificate known = memory.get(signingCertUrl);
        if (known != null) {
            return known;
        }
        URI url;
        try {
            url = URI.create(signingCertUrl);
        } catch (IllegalArgumentException e) {
            throw WebhookRejectedException.unauthenticated("SigningCertURL is not a URL");
        }
        if (!endpoints.trustsCertificateUrl(url)) {
            throw WebhookRejectedException.unauthenticated(
                    "SigningCertURL " + signingCertUrl + " is not an SNS certificate URL (" + endpoints + ")");
        }
        X509Certificate certificate = fromCacheDir(url);
        if (certificate == null) {
            FailedFetch failed = failures.getIfPresent(signingCertUrl);
            long now = System.currentTimeMillis();
            if (failed != null && now < failed.untilMillis()) {
                throw failed.again();
            }
            try {
                certificate = download(url);
                requireSnsSubject(certificate);
            } catch (WebhookRejectedException e) {
                failures.put(signingCertUrl, new FailedFetch(e.getMessage(), true, now + REFUSED_FOR.toMillis()));
                throw e;
            } catch (SnsCertificateUnavailableException e) {
                failures.put(signingCertUrl, new FailedFetch(e.getMessage(), false, now + UNAVAILABLE_FOR.toMillis()));
                throw e;
            }
        }
        if (memory.size() >= MAX_CACHED) {
            memory.clear();
        }
        memory.put(signingCertUrl, certificate);
        return certificate;
    }

    private X509Certificate fromCacheDir(URI url) {
        if (cacheDir == null) {
            return null;
        }
        String path = url.getPath();
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (!FILE_NAME.matcher(name).matches()) {
            return null;
        }
        Path file = cacheDir.resolve(name);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the SNS certificate " + file, e);
        } catch (CertificateException e) {
            // The operator put a broken file there: say so loudly, it affects every message.
            throw new IllegalStateException("the SNS certificate " + file + " is not an X.509 PEM certificate", e);
        }
    }

    private X509Certificate download(URI url) {
        byte[] pem;
        try {
            pem = http.get().uri(url).exchange((request, response) -> {
                int status = response.getStatusCode().value();
                if (status / 100 == 4) {
                    // SNS has no such certificate: the message names one SNS never used.
                    throw WebhookRejectedException.unauthenticated("SigningCertURL " + url + " answered " + status);
                }
                if (status / 100 != 2) {
                    throw new SnsCertificateUnavailableException("SigningCertURL " + url + " answered " + status);
                }
                try (InputStream body = response.getBody()) {
                    byte[] bytes = body.readNBytes(MAX_CERTIFICATE_BYTES + 1);
                    if (bytes.length > MAX_CERTIFICATE_BYTES) {
                        throw WebhookRejectedException.unauthenticated(
                                "SigningCertURL " + url + " is not a certificate (too large)");
                    }
                    return bytes;
                }
            });
        } catch (RestClientException e) {
            throw new SnsCertificateUnavailableException("cannot download " + url + ": " + e.getMessage());
        }
        try {
            X509Certificate certificate = parse(pem);
            log.info(
                    "Downloaded the SNS signing certificate {} ({})",
                    url,
                    certificate.getSubjectX500Principal().getName());
            return certificate;
        } catch (CertificateException e) {
            throw WebhookRejectedException.unauthenticated("SigningCertURL " + url + " is not an X.509 certificate");
        }
    }

    private static void requireSnsSubject(X509Certificate certificate) {
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                for (List<?> name : certificate.getSubjectAlternativeNames()) {
                    // 2 = dNSName
                    if (Integer.valueOf(2).equals(name.get(0)) && isSnsName(String.valueOf(name.get(1)))) {
                        return;
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw WebhookRejectedException.unauthenticated("the SNS certificate's alternative names are unreadable");
        }
        String subject = certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
        for (String part : subject.split(",")) {
            if (part.startsWith("CN=") && isSnsName(part.substring(3))) {
                return;
            }
        }
        throw WebhookRejectedException.unauthenticated(
                "the certificate at SigningCertURL is not issued to SNS: " + subject);
    }

    private static boolean isSnsName(String name) {
        return SNS_CERTIFICATE_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches();
    }

    private static X509Certificate parse(byte[] pem) throws CertificateException {
        return (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(pem));
    }

    /** A failed download as remembered: the same answer again, without fetching. */
    private record FailedFetch(String reason, boolean refused, long untilMillis) {
        RuntimeException again() {
            String message = reason + " (failed recently; not fetched again yet)";
            return refused
                    ? WebhookRejectedException.unauthenticated(message)
                    : new SnsCertificateUnavailableException(message);
        }
    }

    /** The certificate could not be fetched now; nothing is wrong with the message. */
    static final class SnsCertificateUnavailableException extends RuntimeException {
        SnsCertificateUnavailableException(String message) {
            super(message);
        }
    }
}
