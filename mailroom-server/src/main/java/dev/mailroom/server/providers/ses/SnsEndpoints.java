package dev.mailroom.server.providers.ses;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Which URLs in an SNS message we are willing to contact. Neither {@code SigningCertURL} nor
 * (before verification) {@code SubscribeURL} can be trusted on their own: {@code SigningCertURL}
 * is not even covered by the signature. So the certificate comes only from an SNS host over
 * HTTPS, and a subscription is confirmed only on that same SNS host.
 *
 * <p>Production uses {@link #AWS}. Tests, which must never reach the internet, inject a rule
 * that lets them point these URLs at a local fake (package-private seam).
 */
interface SnsEndpoints {

    /**
     * {@code sns.<region>.amazonaws.com}, and {@code .com.cn} for the China regions. The region
     * must look like one ({@code us-east-1}, {@code us-gov-west-1}, {@code cn-north-1}): AWS's
     * own validators take any label there, which also admits S3 website and legacy bucket hosts
     * such as {@code sns.s3-external-1.amazonaws.com} or {@code sns.s3.amazonaws.com}, where
     * whoever owns a bucket named {@code sns} serves the files.
     */
    Pattern SNS_HOST = Pattern.compile("^sns\\.[a-z]{2}(-[a-z]+)+-[0-9]+\\.amazonaws\\.com(\\.cn)?$");

    boolean trustsCertificateUrl(URI signingCertUrl);

    boolean trustsSubscribeUrl(URI subscribeUrl, URI signingCertUrl);

    SnsEndpoints AWS = new SnsEndpoints() {
        @Override
        public boolean trustsCertificateUrl(URI url) {
            String path = url.getRawPath();
            return isSnsHttps(url) && path != null && path.endsWith(".pem") && url.getRawQuery() == null;
        }

        @Override
        public boolean trustsSubscribeUrl(URI subscribeUrl, URI signingCertUrl) {
            return isSnsHttps(subscribeUrl) && subscribeUrl.getHost().equalsIgnoreCase(signingCertUrl.getHost());
        }

        /** https, an SNS host, the default port, no user info (which could hide the real host from a reader). */
        private boolean isSnsHttps(URI url) {
            return "https".equalsIgnoreCase(url.getScheme())
                    && url.getHost() != null
                    && url.getRawUserInfo() == null
                    && (url.getPort() == -1 || url.getPort() == 443)
                    && SNS_HOST.matcher(url.getHost().toLowerCase(Locale.ROOT)).matches();
        }

        @Override
        public String toString() {
            return "SNS hosts over https (" + SNS_HOST.pattern() + ")";
        }
    };
}
