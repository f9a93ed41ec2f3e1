package dev.mailroom.server.api;

import dev.mailroom.contracts.Address;
import dev.mailroom.contracts.EmailRules;
import dev.mailroom.contracts.SuppressionDecision;
import dev.mailroom.contracts.SuppressionRequest;
import dev.mailroom.contracts.Violation;
import dev.mailroom.server.ConditionalOnRole;
import dev.mailroom.server.Role;
import dev.mailroom.server.api.SuppressionsViews.ImportResult;
import dev.mailroom.server.api.SuppressionsViews.InvalidRow;
import dev.mailroom.server.api.SuppressionsViews.Suppression;
import dev.mailroom.server.api.SuppressionsViews.SuppressionPage;
import dev.mailroom.server.security.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.SequenceWriter;

/**
 * The organization's suppression list, by API: addresses Mailroom will not send to. Reading ({@code read} scope):
 * {@code GET /api/v1/suppressions?search=&reason=&limit=&cursor=}, {@code GET /api/v1/suppressions/{email}},
 * {@code GET /api/v1/suppressions/export} (CSV). Changing ({@code admin} scope): {@code POST} one address,
 * {@code DELETE /api/v1/suppressions/{email}}, {@code POST /api/v1/suppressions/import} (CSV). The API reads the
 * list itself but never writes it: each change is a {@link SuppressionRequest} the operator carries out
 * ({@link SuppressionsChanges}), the answer saying exactly what changed.
 */
@RestController
@RequestMapping(SuppressionsController.PATH)
@ConditionalOnRole(Role.API)
@Tag(name = "Suppressions")
class SuppressionsController {
    static final String PATH = "/api/v1/suppressions";
    private static final int DEFAULT_LIMIT = 50;
    private static final int MAX_LIMIT = 500;
    private static final int MAX_SEARCH = 320;
    static final int MAX_IMPORT_ROWS = 100_000;
    static final String CSV = "text/csv";

    private final SuppressionsQueries queries;
    private final SuppressionsChanges changes;

    SuppressionsController(SuppressionsQueries queries, SuppressionsChanges changes) {
        this.queries = queries;
        this.changes = changes;
    }

    @Operation(
            operationId = "listSuppressions",
            summary = "List suppressed addresses",
            description =
                    "The organization's suppression list, newest first: addresses Mailroom will not send to. `search` matches any part of the address; `reason` filters. Scope `read`.")
    @GetMapping
    SuppressionPage list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String search,
            @RequestParam(required = false) String reason,
            @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor) {
        QueryParameters query = new QueryParameters();
        String text = search == null || search.isBlank() ? null : search.strip();
        if (text != null && text.length() > MAX_SEARCH) {
            query.add(new Violation("search", "must be at most " + MAX_SEARCH + " characters"));
        }
        String reasonCode = reasonOf(reason);
        if (reasonCode != null && !SuppressionRequest.REASONS.contains(reasonCode)) {
            query.add(new Violation("reason", "must be one of " + reasons()));
        }
        int pageSize = query.limit(limit, DEFAULT_LIMIT, MAX_LIMIT);
        SuppressionsCursor after = query.cursor(cursor, SuppressionsCursor::decode);
        query.validate();
        return queries.list(caller.organizationId(), text, reasonCode, pageSize, after);
    }

    /**
     * Every entry, newest first, as CSV ({@link SuppressionsCsv#EXPORT_COLUMNS}), streamed as it is read: the
     * answer's size does not depend on the server's memory.
     */
    @Operation(
            operationId = "exportSuppressions",
            summary = "Export the suppression list as CSV",
            description =
                    "The whole list as `text/csv` (`email,reason,created_at,source_message_id,note`); values a spreadsheet would run are prefixed with `'`. It imports as it is. Scope `read`.")
    @GetMapping("/export")
    void export(@AuthenticationPrincipal Caller caller, HttpServletResponse response) throws IOException {
        response.setStatus(HttpStatus.OK.value());
        response.setContentType(CSV + ";charset=UTF-8");
        response.setHeader(
                HttpHeaders.CONTENT_DISPOSITION,
                ContentDisposition.attachment()
                        .filename("suppressions-" + caller.organizationId() + ".csv", StandardCharsets.UTF_8)
                        .build()
                        .toString());
        Writer out = new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8);
        try (SequenceWriter csv = SuppressionsCsv.writer(out)) {
            queries.export(caller.organizationId(), s -> SuppressionsCsv.write(csv, s));
        }
    }

    @Operation(
            operationId = "getSuppression",
            summary = "Get a suppressed address",
            description = "One suppressed address and why it is listed. Scope `read`.")
    @GetMapping("/{email}")
    Suppression get(@AuthenticationPrincipal Caller caller, @PathVariable String email) {
        String address = pathAddress(email);
        return queries.find(caller.organizationId(), address)
                .orElseThrow(() -> new SuppressionsNotFoundException(address));
    }

    /**
     * Lists one address: {@code {"email", "reason"?, "note"?}}. 201 with the new entry; 200 with the existing one
     * when the address was listed already (its first reason is kept).
     */
    @Operation(
            operationId = "addSuppression",
            summary = "Suppress an address",
            description =
                    "Adds an address (`email`, optional `reason` and `note`). When it is listed already the first entry is kept and answered with 200. Scope `admin`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(
            responseCode = "503",
            description = "The operator did not answer in time (`Retry-After`); adding again is safe")
    @PostMapping
    ResponseEntity<Suppression> add(
            @AuthenticationPrincipal Caller caller, @RequestBody(required = false) Map<String, Object> body) {
        SuppressionRequest.Entry entry = entryOf(body);
        String email = entry.email();
        ResponseEntity.BodyBuilder answer = ResponseEntity.ok();
        if (queries.find(caller.organizationId(), email).isEmpty()) {
            SuppressionDecision decision = changes.add(caller, List.of(entry));
            if (decision.added().contains(email)) {
                answer = ResponseEntity.status(HttpStatus.CREATED);
            }
        }
        Suppression listed = queries.find(caller.organizationId(), email)
                .orElseThrow(() -> new SuppressionsNotFoundException(email));
        return answer.location(URI.create(PATH + "/" + URLEncoder.encode(email, StandardCharsets.UTF_8)))
                .body(listed);
    }

    /** Takes an address off the list: 204, or 404 when it was not on it. */
    @Operation(
            operationId = "removeSuppression",
            summary = "Remove an address from the suppression list",
            description = "Takes an address off the list: Mailroom sends to it again. Scope `admin`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(
            responseCode = "503",
            description = "The operator did not answer in time (`Retry-After`); removing again is safe")
    @DeleteMapping("/{email}")
    ResponseEntity<Void> remove(@AuthenticationPrincipal Caller caller, @PathVariable String email) {
        String address = pathAddress(email);
        if (queries.find(caller.organizationId(), address).isEmpty()) {
            throw new SuppressionsNotFoundException(address);
        }
        SuppressionDecision decision = changes.remove(caller, List.of(address));
        if (!decision.removed().contains(address)) {
            // Removed by another request meanwhile: not on the list, as this caller may now see.
            throw new SuppressionsNotFoundException(address);
        }
        return ResponseEntity.noContent().build();
    }

    /**
     * Lists the addresses of a CSV file ({@code text/csv}, header {@code email,reason,note}; reason and note
     * optional columns) of at most {@value #MAX_IMPORT_ROWS} rows. Rows that are not valid are reported by number
     * and the others imported, sent to the operator {@value SuppressionRequest#MAX_ENTRIES} at a time. A file
     * that is not CSV, or none of whose rows is valid, changes nothing (422).
     */
    @Operation(
            operationId = "importSuppressions",
            summary = "Import suppressions from CSV",
            description =
                    "Imports a `text/csv` body with the header `email[,reason][,note]` (an export imports as it is), up to 100,000 rows. Bad rows are reported by row number (the header is row 1), the others imported. Scope `admin`.")
    @ApiResponse(responseCode = "200", description = "OK", useReturnTypeSchema = true)
    @ApiResponse(
            responseCode = "503",
            description = "The operator did not answer in time (`Retry-After`); importing again is safe")
    @PostMapping(path = "/import", consumes = CSV)
    ImportResult importCsv(@AuthenticationPrincipal Caller caller, HttpServletRequest request) throws IOException {
        List<SuppressionsCsv.Row> rows;
        try (Reader in = new InputStreamReader(request.getInputStream(), charsetOf(request))) {
            rows = SuppressionsCsv.read(in, MAX_IMPORT_ROWS);
        }
        List<SuppressionRequest.Entry> valid = new ArrayList<>();
        List<InvalidRow> invalid = new ArrayList<>();
        for (SuppressionsCsv.Row row : rows) {
            Violation problem = problemOf(row.email(), reasonOf(row.reason()), row.note());
            if (problem == null) {
                valid.add(new SuppressionRequest.Entry(
                        Address.normalize(row.email()), reasonOf(row.reason()), row.note()));
            } else {
                invalid.add(new InvalidRow(row.line(), row.email(), problem.field() + " " + problem.message()));
            }
        }
        if (valid.isEmpty()) {
            throw new InvalidRequestException(
                    SuppressionsCsv.TITLE,
                    invalid.stream()
                            .limit(100)
                            .map(r -> new Violation("row " + r.line(), r.error()))
                            .toList());
        }
        int imported = 0;
        int done = 0;
        for (int from = 0; from < valid.size(); from += SuppressionRequest.MAX_ENTRIES) {
            List<SuppressionRequest.Entry> chunk =
                    valid.subList(from, Math.min(valid.size(), from + SuppressionRequest.MAX_ENTRIES));
            try {
                imported += changes.add(caller, chunk).added().size();
            } catch (SuppressionsUnavailableException e) {
                if (done == 0) {
                    throw e;
                }
                throw new SuppressionsUnavailableException(e, done);
            }
            done += chunk.size();
        }
        return new ImportResult(imported, valid.size() - imported, invalid);
    }

    /** The one address a POST lists, checked field by field (every problem named). */
    private static SuppressionRequest.Entry entryOf(Map<String, Object> body) {
        List<Violation> problems = new ArrayList<>();
        if (body == null) {
            problems.add(new Violation("", "the body must be a JSON object {\"email\": ..., \"reason\"?, \"note\"?}"));
            throw new InvalidRequestException(problems);
        }
        body.keySet().stream()
                .filter(field -> !List.of("email", "reason", "note").contains(field))
                .sorted()
                .forEach(field -> problems.add(new Violation(field, "is not a field of a suppression entry")));
        String email = text(problems, body, "email");
        String reason = reasonOf(text(problems, body, "reason"));
        String note = text(problems, body, "note");
        if (problems.isEmpty()) {
            Violation problem = problemOf(email, reason, note);
            if (problem != null) {
                problems.add(problem);
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return new SuppressionRequest.Entry(Address.normalize(email), reason, note);
    }

    private static String text(List<Violation> problems, Map<String, Object> body, String field) {
        Object value = body.get(field);
        if (value == null || value instanceof String) {
            return (String) value;
        }
        problems.add(new Violation(field, "must be a string"));
        return null;
    }

    /** What is wrong with an entry, naming its field; null when nothing. */
    private static Violation problemOf(String email, String reason, String note) {
        if (email == null || email.isBlank()) {
            return new Violation("email", "is required");
        }
        String address = Address.normalize(email);
        if (!EmailRules.isValidAddress(address)) {
            return new Violation(
                    "email", "'" + shown(email) + "' is not a valid email address (expected local@domain.tld)");
        }
        if (reason != null && !SuppressionRequest.REASONS.contains(reason)) {
            return new Violation("reason", "must be one of " + reasons() + ", not '" + shown(reason) + "'");
        }
        if (note != null && note.length() > SuppressionRequest.MAX_NOTE_LENGTH) {
            return new Violation("note", "must be at most " + SuppressionRequest.MAX_NOTE_LENGTH + " characters");
        }
        if (note != null && note.indexOf('\u0000') >= 0) {
            return new Violation("note", "must not contain NUL characters");
        }
        return null;
    }

    /** An address from the path, normalized; 422 naming {@code email} when it is none. */
    private static String pathAddress(String email) {
        String address = Address.normalize(email);
        if (!EmailRules.isValidAddress(address)) {
            throw new InvalidRequestException(
                    InvalidRequestException.INVALID_EMAIL,
                    List.of(new Violation(
                            "email",
                            "'" + shown(email) + "' is not a valid email address (expected local@domain.tld)")));
        }
        return address;
    }

    /** A reason as given, in the list's spelling (lower case); null when absent or blank. */
    private static String reasonOf(String reason) {
        return reason == null || reason.isBlank() ? null : reason.strip().toLowerCase(Locale.ROOT);
    }

    private static List<String> reasons() {
        return SuppressionRequest.REASONS.stream().sorted().toList();
    }

    private static String shown(String text) {
        String shown = text.length() > 100 ? text.substring(0, 100) + "…" : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    private static Charset charsetOf(HttpServletRequest request) {
        String name = request.getCharacterEncoding();
        try {
            return name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(
                    List.of(new Violation("Content-Type", "unknown charset '" + shown(name) + "'")));
        }
    }
}
