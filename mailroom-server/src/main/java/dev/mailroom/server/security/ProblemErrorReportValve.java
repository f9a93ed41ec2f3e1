package dev.mailroom.server.security;

import dev.mailroom.server.dashboard.DashboardHeaders;
import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's own error answers as problem+json with the security headers, instead of its HTML page:
 * those it gives before any filter runs, for a request target it will not decode (an encoded '/'
 * or '\', NUL, malformed UTF-8). Answers Spring already wrote are left alone.
 */
class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0) {
            return;
        }
        String message = response.getMessage();
        try {
            DashboardHeaders.writeTo(response);
            if (status == 400) {
                ProblemResponses.write(
                        response,
                        400,
                        "Invalid request path",
                        (message == null || message.isBlank() ? "the request" : message)
                                + "; spell the path plainly: no encoded '/' or '\\', no NUL, valid UTF-8");
            } else {
                ProblemResponses.write(
                        response,
                        status,
                        message == null || message.isBlank() ? "the server could not handle this request" : message);
            }
            response.finishResponse();
        } catch (IOException | IllegalStateException e) {
            // The connection is gone or the answer already started: nothing more to say.
        }
    }
}
