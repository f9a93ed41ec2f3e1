package dev.mailroom.server.api;

import dev.mailroom.contracts.Violation;
import dev.mailroom.server.api.SuppressionsViews.Suppression;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.SequenceWriter;
import tools.jackson.dataformat.csv.CsvMapper;
import tools.jackson.dataformat.csv.CsvReadFeature;
import tools.jackson.dataformat.csv.CsvSchema;

/**
 * The CSV form of a suppression list (RFC 4180, through Jackson's CSV dataformat: quoting, commas and line breaks
 * inside values). Export writes {@link #EXPORT_COLUMNS}; import reads a header naming {@code email} and any of
 * {@code reason}, {@code note} (and the export's other columns, which it ignores), so an export imports as it is.
 *
 * <p>CSV injection: a value a spreadsheet would run as a formula (starting with {@code = + - @}, a tab or a
 * carriage return) is written with a {@code '} before it, which spreadsheets show as text; a value starting with
 * {@code '} gets one more, so that import, which takes one {@code '} off such a value, gives back exactly what was
 * exported. Addresses may start with {@code = + -}: such an address survives the round trip.
 */
final class SuppressionsCsv {
    static final String FILE = "file";
    static final String TITLE = "Invalid CSV";
    static final List<String> EXPORT_COLUMNS = List.of("email", "reason", "created_at", "source_message_id", "note");
    private static final Set<String> IMPORT_COLUMNS = Set.copyOf(EXPORT_COLUMNS);
    private static final String FORMULA_STARTS = "=+-@\t\r";
    private static final char TEXT_MARK = '\'';

    private static final CsvMapper CSV =
            CsvMapper.builder().enable(CsvReadFeature.WRAP_AS_ARRAY).build();

    private SuppressionsCsv() {}

    /** One data row of an import, as written (not yet validated). */
    record Row(int line, String email, String reason, String note) {}

    /**
     * The rows of an import file. Blank rows are skipped (but counted: {@code line} is the row's number, the header
     * being row 1, as a spreadsheet numbers them).
     *
     * @throws InvalidRequestException (field {@value #FILE}) for an empty file, a header without {@code email} or
     *                                 with an unknown column, more than {@code maxRows} rows, or text that is not CSV
     */
    static List<Row> read(Reader in, int maxRows) {
        List<Row> rows = new ArrayList<>();
        int line = 0;
        Map<String, Integer> columns = null;
        try (MappingIterator<String[]> it = CSV.readerFor(String[].class).readValues(in)) {
            while (it.hasNextValue()) {
                String[] values = it.nextValue();
                line++;
                if (columns == null) {
                    columns = header(values);
                    continue;
                }
                if (isBlank(values)) {
                    continue;
                }
                if (rows.size() == maxRows) {
                    throw invalid("at most " + maxRows + " rows per import; split the file");
                }
                rows.add(new Row(
                        line,
                        value(values, columns.get("email")),
                        value(values, columns.get("reason")),
                        value(values, columns.get("note"))));
            }
        } catch (JacksonException e) {
            throw invalid("not valid CSV after row " + line + ": " + e.getOriginalMessage());
        }
        if (columns == null) {
            throw invalid("the file is empty; expected a header row such as email,reason,note");
        }
        if (rows.isEmpty()) {
            throw invalid("the file has a header but no rows");
        }
        return rows;
    }

    private static Map<String, Integer> header(String[] values) {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < values.length; i++) {
            String name = values[i] == null ? "" : values[i].strip().toLowerCase(Locale.ROOT);
            // A byte order mark some spreadsheets put before the first column.
            if (i == 0 && name.startsWith("\uFEFF")) {
                name = name.substring(1);
            }
            if (!IMPORT_COLUMNS.contains(name)) {
                throw invalid("unknown column '" + printable(name)
                        + "' in the header; the columns are email (required), reason and note");
            }
            if (columns.put(name, i) != null) {
                throw invalid("the column '" + name + "' appears twice in the header");
            }
        }
        if (!columns.containsKey("email")) {
            throw invalid("the header has no email column; expected a header row such as email,reason,note");
        }
        return columns;
    }

    /** Writes the export's header; then {@link #write} each entry. */
    static SequenceWriter writer(Writer out) {
        CsvSchema.Builder schema = CsvSchema.builder();
        EXPORT_COLUMNS.forEach(schema::addColumn);
        return CSV.writerFor(String[].class).with(schema.build().withHeader()).writeValues(out);
    }

    static void write(SequenceWriter csv, Suppression s) {
        csv.write(new String[] {
            safe(s.email()),
            safe(s.reason()),
            s.createdAt().toString(),
            s.sourceMessageId() == null ? "" : s.sourceMessageId().toString(),
            safe(s.note())
        });
    }

    /** The value as a spreadsheet shows it without running it (see the class comment). */
    static String safe(String value) {
        if (value == null || value.isEmpty()) {
            return value == null ? "" : value;
        }
        char first = value.charAt(0);
        return FORMULA_STARTS.indexOf(first) >= 0 || first == TEXT_MARK ? TEXT_MARK + value : value;
    }

    /** The value {@link #safe} was given. */
    static String unsafe(String value) {
        if (value != null && value.length() > 1 && value.charAt(0) == TEXT_MARK) {
            char next = value.charAt(1);
            if (FORMULA_STARTS.indexOf(next) >= 0 || next == TEXT_MARK) {
                return value.substring(1);
            }
        }
        return value;
    }

    private static String value(String[] values, Integer column) {
        if (column == null || column >= values.length || values[column] == null) {
            return null;
        }
        String value = unsafe(values[column].strip());
        return value.isEmpty() ? null : value;
    }

    private static boolean isBlank(String[] values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return false;
            }
        }
        return true;
    }

    private static String printable(String text) {
        String shown = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }

    private static InvalidRequestException invalid(String message) {
        return new InvalidRequestException(TITLE, List.of(new Violation(FILE, message)));
    }
}
