package dev.mailroom.server.api;

import dev.mailroom.server.InputLimits;
import dev.mailroom.server.security.ProblemResponses;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Every request body (webhooks aside: they have their own, smaller limit) is at most
 * {@code mailroom.limits.max-request-body}, however it arrives: a declared Content-Length above it
 * is answered 413 before anything is read, and a body without one (chunked) is read through a
 * stream that counts, and fails as soon as one byte more than the limit arrives. Nothing ever
 * holds more than the limit, whatever reads the body (Jackson, a form parser, a controller).
 *
 * <p>A batch of emails ({@code POST /api/v1/messages/batch}) has its own, larger limit,
 * {@code mailroom.limits.max-batch-body}, only when its path is spelled plainly (the request URI and
 * the servlet path both are that path): any other spelling gets the ordinary limit.
 *
 * <p>Runs before authentication and for every path spelling: the limit protects the server's
 * memory, so it does not wait to know the caller or the handler.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
class RequestBodyLimit extends OncePerRequestFilter {
    private final long maxRequestBytes;
    private final long maxBatchBytes;

    RequestBodyLimit(InputLimits limits) {
        this.maxRequestBytes = limits.maxRequestBody().toBytes();
        this.maxBatchBytes = limits.maxBatchBody().toBytes();
    }

    private long limitOf(HttpServletRequest request) {
        boolean batch = "POST".equals(request.getMethod())
                && MessageBatchController.PATH.equals(request.getRequestURI())
                && MessageBatchController.PATH.equals(request.getServletPath());
        return batch ? maxBatchBytes : maxRequestBytes;
    }

    /**
     * Only the webhook sink is left out, and only when both the raw and the normalized path say
     * so: a spelling that one of them reads as a webhook still gets this limit.
     */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return request.getRequestURI().startsWith("/webhooks/")
                && request.getServletPath().startsWith("/webhooks/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long maxBytes = limitOf(request);
        long declared = request.getContentLengthLong();
        if (declared > maxBytes) {
            refuse(response, maxBytes);
            return;
        }
        // A declared length is enforced by the server itself; only an undeclared one needs counting.
        HttpServletRequest limited = declared < 0 ? new LimitedRequest(request, maxBytes) : request;
        try {
            chain.doFilter(limited, response);
        } catch (TooLarge | ServletException e) {
            // Spring MVC answers the exception itself (Advice below); this is for readers outside it.
            if (!causedByTooLarge(e) || response.isCommitted()) {
                throw e;
            }
            response.reset();
            refuse(response, maxBytes);
        }
    }

    /**
     * Not flushed: the server sends the whole answer, with its length, when the request ends and
     * before it drops the rest of the body (Tomcat closes the connection after a 413), so a client
     * still sending reads a complete answer.
     */
    private static void refuse(HttpServletResponse response, long maxBytes) throws IOException {
        ProblemResponses.write(response, 413, TooLarge.detail(maxBytes));
    }

    private static boolean causedByTooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TooLarge) {
                return true;
            }
        }
        return false;
    }

    /** The body went past the limit while it was read. */
    static final class TooLarge extends RuntimeException {
        TooLarge(long maxBytes) {
            super(detail(maxBytes), null, false, false);
        }

        static String detail(long maxBytes) {
            return "request bodies are limited to " + maxBytes + " bytes";
        }
    }

    /**
     * 413 wherever Spring MVC meets {@link TooLarge}: thrown as is, or inside the exception of
     * the JSON reader that was reading the body (handlers match an exception's causes too). First
     * in order, so that no handler of unreadable bodies answers 400 for it.
     */
    @RestControllerAdvice
    @Order(Ordered.HIGHEST_PRECEDENCE)
    static class Advice {
        @ExceptionHandler(TooLarge.class)
        ProblemDetail tooLarge(TooLarge e) {
            return ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, e.getMessage());
        }
    }

    private static final class LimitedRequest extends HttpServletRequestWrapper {
        private final long maxBytes;
        private LimitedStream stream;
        private BufferedReader reader;

        LimitedRequest(HttpServletRequest request, long maxBytes) {
            super(request);
            this.maxBytes = maxBytes;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new LimitedStream(super.getInputStream(), maxBytes);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            if (reader == null) {
                String encoding = getCharacterEncoding();
                Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
                reader = new BufferedReader(new InputStreamReader(getInputStream(), charset));
            }
            return reader;
        }
    }

    private static final class LimitedStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long maxBytes;
        private long count;

        LimitedStream(ServletInputStream in, long maxBytes) {
            this.in = in;
            this.maxBytes = maxBytes;
        }

        @Override
        public int read() throws IOException {
            checkNotOver();
            int b = in.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            checkNotOver();
            if (length == 0) {
                return 0;
            }
            // Never asks for more than one byte past the limit: that byte is enough to refuse.
            int n = in.read(buffer, offset, (int) Math.min(length, maxBytes - count + 1));
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        private void counted(int n) {
            count += n;
            checkNotOver();
        }

        private void checkNotOver() {
            if (count > maxBytes) {
                throw new TooLarge(maxBytes);
            }
        }
    }
}
