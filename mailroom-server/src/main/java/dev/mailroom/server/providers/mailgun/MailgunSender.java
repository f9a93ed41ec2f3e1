package dev.mailroom.server.providers.mailgun;

import static dev.mailroom.server.providers.support.ProviderText.abbreviate;
import static dev.mailroom.server.providers.support.ProviderText.mailbox;
import static dev.mailroom.server.providers.support.ProviderText.readOrNull;
import static dev.mailroom.server.providers.support.ProviderText.text;

import dev.mailroom.contracts.Attachment;
import dev.mailroom.contracts.Email;
import dev.mailroom.contracts.Recipient;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.providers.DeliveryOutcome;
import dev.mailroom.server.providers.EmailSender;
import dev.mailroom.server.providers.OutboundEmail;
import dev.mailroom.server.providers.support.HttpOutcomes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.FormHttpMessageConverter;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends through Mailgun's Messages API: {@code POST {base-url}/v3/{domain}/messages}, HTTP Basic
 * {@code api:<api key>}, the email as {@code multipart/form-data} fields (Spring's multipart
 * support writes the body, see {@link Multipart}).
 *
 * <p>Custom headers go as {@code h:<Name>}, every tag as {@code o:tag}, the email's metadata and
 * our id as {@code v:<name>} variables, which Mailgun returns in every event's
 * {@code user-variables}. Mailgun has no idempotency key for sends, so a send whose answer was
 * lost (a timeout after Mailgun took it) is sent again on retry.
 */
@Component
@ConditionalOnRole(Role.DISPATCHER)
@ConditionalOnProperty(name = MailgunProvider.ENABLED_BY)
class MailgunSender implements EmailSender {
    static final String MAILROOM_ID = "mailroom_id";
    private static final Logger log = LoggerFactory.getLogger(MailgunSender.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final MailgunProperties properties;
    private final RestClient http;
    private final Clock clock;
    private final URI endpoint;

    MailgunSender(MailgunProperties properties, RestClient.Builder http, Clock clock) {
        if (properties.apiKey() == null || properties.apiKey().isBlank()) {
            throw new IllegalArgumentException(
                    "mailroom.providers.mailgun.api-key is required for the mailgun provider");
        }
        if (properties.domain() == null || properties.domain().isBlank()) {
            throw new IllegalArgumentException("mailroom.providers.mailgun.domain is required for the mailgun provider"
                    + " (the sending domain, e.g. mg.example.com)");
        }
        this.properties = properties;
        this.http = http.build();
        this.clock = clock;
        // The domain is one encoded path segment, whatever it contains.
        this.endpoint = UriComponentsBuilder.fromUriString(properties.baseUrl())
                .pathSegment("v3", properties.domain(), "messages")
                .encode()
                .build()
                .toUri();
    }

    @Override
    public String name() {
        return MailgunProvider.NAME;
    }

    @Override
    public DeliveryOutcome send(OutboundEmail outbound) {
        Multipart body;
        try {
            body = Multipart.of(form(outbound));
        } catch (IllegalArgumentException e) {
            // Checked at intake already (EmailRules); a malformed queue message is refused, not retried.
            log.warn("Mailgun send of message {} rejected before sending: {}", outbound.messageId(), e.getMessage());
            return new DeliveryOutcome.Rejected("invalid attachment: " + e.getMessage());
        }
        DeliveryOutcome outcome;
        try {
            outcome = http.post()
                    .uri(endpoint)
                    .headers(h -> h.setBasicAuth("api", properties.apiKey(), StandardCharsets.UTF_8))
                    .accept(MediaType.APPLICATION_JSON)
                    .contentType(body.contentType())
                    .body(body.bytes())
                    .exchange(
                            (request, response) -> outcome(
                                    response.getStatusCode().value(),
                                    response.getHeaders().getFirst(HttpHeaders.RETRY_AFTER),
                                    response.getBody().readAllBytes()),
                            true);
        } catch (ResourceAccessException e) {
            outcome = unreachable(e);
        }
        if (outcome instanceof DeliveryOutcome.Rejected rejected) {
            log.warn(
                    "Mailgun refused message {} (attempt {}): {}",
                    outbound.messageId(),
                    outbound.attempt(),
                    rejected.reason());
        } else if (outcome instanceof DeliveryOutcome.RetryLater later) {
            log.info(
                    "Mailgun deferred message {} (attempt {}): {}",
                    outbound.messageId(),
                    outbound.attempt(),
                    later.reason());
        }
        return outcome;
    }

    /** The Messages API's form fields, in a stable order; fields the email does not have are left out. */
    static MultiValueMap<String, Object> form(OutboundEmail outbound) {
        Email email = outbound.email();
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        form.add("from", mailbox(email.from()));
        addRecipients(form, "to", email.to());
        addRecipients(form, "cc", email.cc());
        addRecipients(form, "bcc", email.bcc());
        form.add("subject", email.subject());
        if (email.text() != null) {
            form.add("text", email.text());
        }
        if (email.html() != null) {
            form.add("html", email.html());
        }
        if (email.replyTo() != null) {
            form.add("h:Reply-To", mailbox(email.replyTo()));
        }
        new TreeMap<>(outbound.headers()).forEach((name, value) -> form.add("h:" + name, value));
        email.tags().forEach(tag -> form.add("o:tag", tag));
        new TreeMap<>(email.metadata()).forEach((key, value) -> {
            // Ours is added below; an application's own "mailroom_id" must not travel next to it.
            if (!key.equals(MAILROOM_ID)) {
                form.add("v:" + key, value);
            }
        });
        form.add("v:" + MAILROOM_ID, outbound.messageId().toString());
        for (Attachment a : email.attachments()) {
            form.add("attachment", attachmentPart(a));
        }
        return form;
    }

    /**
     * The form written by Spring's {@link FormHttpMessageConverter} into memory, so that the
     * request has a Content-Length: a streamed (chunked) body fails over cleartext HTTP/2 upgrade
     * with the JDK client, and an email is at most a few megabytes ({@code EmailRules}).
     */
    record Multipart(MediaType contentType, byte[] bytes) {
        private static final FormHttpMessageConverter CONVERTER = new FormHttpMessageConverter();

        static Multipart of(MultiValueMap<String, Object> form) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            HttpHeaders headers = new HttpHeaders();
            try {
                CONVERTER.write(form, MediaType.MULTIPART_FORM_DATA, new HttpOutputMessage() {
                    @Override
                    public OutputStream getBody() {
                        return out;
                    }

                    @Override
                    public HttpHeaders getHeaders() {
                        return headers;
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("writing to memory cannot fail", e);
            }
            return new Multipart(headers.getContentType(), out.toByteArray());
        }
    }

    /** A file part: {@code Content-Disposition: form-data; name="attachment"; filename="..."} and its own type. */
    private static HttpEntity<byte[]> attachmentPart(Attachment a) {
        HttpHeaders headers = new HttpHeaders();
        String type = a.contentType() == null || a.contentType().isBlank()
                ? MediaType.APPLICATION_OCTET_STREAM_VALUE
                : a.contentType();
        headers.setContentType(MediaType.parseMediaType(type));
        // No RFC 5987 filename*: RFC 7578 forbids it in multipart/form-data; a non-ASCII name is
        // written as UTF-8, which is what form-data parsers expect.
        headers.setContentDisposition(ContentDisposition.formData()
                .name("attachment")
                .filename(a.filename())
                .build());
        // EmailRules allows MIME-style line breaks in the base64.
        byte[] bytes = Base64.getDecoder().decode(a.content().replaceAll("[\\r\\n ]", ""));
        return new HttpEntity<>(bytes, headers);
    }

    private DeliveryOutcome outcome(int status, String retryAfter, byte[] body) {
        JsonNode json = readOrNull(body);
        if (status / 100 == 2) {
            String id = normalizeMessageId(json == null ? null : text(json.get("id")));
            if (id == null) {
                // Mailgun took the email; sending it again would duplicate it. Its events still
                // match through the mailroom_id variable.
                log.warn("Mailgun accepted an email but its answer had no id: {}", abbreviate(body));
            }
            return new DeliveryOutcome.Accepted(id);
        }
        String message =
                json != null && text(json.get("message")) != null ? text(json.get("message")) : abbreviate(body);
        return HttpOutcomes.failure(MailgunProvider.NAME, status, retryAfter, message, clock.instant());
    }

    /**
     * Mailgun answers {@code "<20111114174239.25659.5817@samples.mailgun.org>"} but its events carry
     * {@code message.headers.message-id} without the angle brackets: both sides use this form, so
     * that events without our variable still match the id recorded at dispatch.
     */
    static String normalizeMessageId(String id) {
        if (id == null) {
            return null;
        }
        String s = id.strip();
        if (s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1).strip();
        }
        return s.isEmpty() ? null : s;
    }

    /** No answer: the reason names the root cause (the JDK's ConnectException has no message). */
    private DeliveryOutcome unreachable(ResourceAccessException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return HttpOutcomes.unreachable(
                MailgunProvider.NAME, new IOException("POST " + endpoint + " got no answer: " + root));
    }

    private static void addRecipients(MultiValueMap<String, Object> form, String field, List<Recipient> recipients) {
        for (Recipient r : recipients) {
            form.add(field, mailbox(r.email(), r.name()));
        }
    }
}
