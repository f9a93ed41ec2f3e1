package dev.mailroom.server.providers.smtp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A tiny SMTP server that answers from a script, for the replies GreenMail cannot be made to give
 * (4xx, a refused recipient, a relay without STARTTLS, a relay that never answers). It speaks
 * real SMTP over a real socket, so the mail library's own reply handling is what is tested.
 *
 * <p>A script entry maps the start of a command line (case-insensitive, e.g. {@code "RCPT TO:<full@"})
 * to the reply; the longest matching entry wins. {@code "."} is the end of the DATA section and
 * {@code "GREETING"} the banner; a null greeting makes a server that accepts and never speaks.
 */
final class ScriptedSmtpServer implements AutoCloseable {
    private static final Map<String, String> DEFAULTS = Map.of(
            "GREETING", "220 scripted.test ESMTP",
            "EHLO", "250 scripted.test",
            "HELO", "250 scripted.test",
            "MAIL", "250 2.1.0 OK",
            "RCPT", "250 2.1.5 OK",
            "DATA", "354 End data with <CR><LF>.<CR><LF>",
            ".", "250 2.0.0 OK queued",
            "RSET", "250 2.0.0 OK",
            "NOOP", "250 2.0.0 OK",
            "QUIT", "221 2.0.0 Bye");

    private final ServerSocket server;
    private final Map<String, String> script = new HashMap<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private final List<Socket> clients = new CopyOnWriteArrayList<>();

    private ScriptedSmtpServer(Map<String, String> overrides) throws IOException {
        DEFAULTS.forEach((k, v) -> script.put(k.toUpperCase(Locale.ROOT), v));
        overrides.forEach((k, v) -> script.put(k.toUpperCase(Locale.ROOT), v));
        server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "scripted-smtp");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Replies from the defaults, except where {@code overrides} says otherwise (null value: silence). */
    static ScriptedSmtpServer replying(Map<String, String> overrides) throws IOException {
        return new ScriptedSmtpServer(overrides);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Every command line received, in order (the DATA content excluded). */
    List<String> commands() {
        return commands;
    }

    boolean received(String verb) {
        return commands.stream().anyMatch(c -> c.toUpperCase(Locale.ROOT).startsWith(verb.toUpperCase(Locale.ROOT)));
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try (Socket client = server.accept()) {
                clients.add(client);
                converse(client);
            } catch (IOException e) {
                // closed by the test, or the client hung up: wait for the next connection
            }
        }
    }

    private void converse(Socket client) throws IOException {
        BufferedReader in =
                new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
        OutputStream out = client.getOutputStream();
        String greeting = script.get("GREETING");
        if (greeting == null) {
            // Silent relay: hold the connection open until the client gives up.
            while (in.read() >= 0) {
                // discard
            }
            return;
        }
        reply(out, greeting);
        String line;
        while ((line = in.readLine()) != null) {
            commands.add(line);
            String answer = answerTo(line);
            if (answer == null) {
                continue;
            }
            reply(out, answer);
            if (line.toUpperCase(Locale.ROOT).equals("DATA") && answer.startsWith("354")) {
                String content;
                while ((content = in.readLine()) != null && !content.equals(".")) {
                    // the message itself is not interesting here
                }
                commands.add(".");
                reply(out, answerTo("."));
            }
            if (line.toUpperCase(Locale.ROOT).startsWith("QUIT")) {
                return;
            }
        }
    }

    private String answerTo(String line) {
        String upper = line.toUpperCase(Locale.ROOT);
        String best = null;
        for (String key : script.keySet()) {
            if (upper.startsWith(key) && (best == null || key.length() > best.length())) {
                best = key;
            }
        }
        return best == null ? "500 5.5.1 command not recognized" : script.get(best);
    }

    private static void reply(OutputStream out, String reply) throws IOException {
        out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket client : clients) {
            client.close();
        }
    }
}
