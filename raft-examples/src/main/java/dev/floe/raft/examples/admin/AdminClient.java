package dev.floe.raft.examples.admin;

import dev.floe.raft.examples.kv.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The admin tool's HTTP: JSON requests to one member, following the 307 a follower answers with
 * the leader's URL, with a bearer token when one is given, and failures turned into one clear
 * sentence ({@link AdminException}) naming the member and what went wrong.
 */
final class AdminClient {
    private final HttpClient http;
    private final Optional<String> token;
    private final Duration timeout;

    AdminClient(Optional<String> token, Duration timeout) {
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        this.token = token;
        this.timeout = timeout;
    }

    /** An HTTP answer: its status and parsed JSON body (an empty map when the body is not JSON). */
    record Answer(int status, Map<String, Object> body) {
        boolean ok() {
            return status == 200;
        }

        /** The body's {@code error} and {@code detail}, as one line. */
        String problem() {
            Object error = body.getOrDefault("error", "HTTP " + status);
            Object reason = body.get("reason");
            Object detail = body.get("detail");
            return error + (reason != null ? " (" + reason + ")" : "") + (detail instanceof String d && !d.isBlank() ? ": " + d : "");
        }
    }

    Answer get(String base, String path) throws AdminException {
        return send("GET", base, path, null);
    }

    Answer post(String base, String path, String body) throws AdminException {
        return send("POST", base, path, body);
    }

    Answer delete(String base, String path) throws AdminException {
        return send("DELETE", base, path, null);
    }

    private Answer send(String method, String base, String path, String body) throws AdminException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        if (body != null) b.header("Content-Type", "application/json");
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new AdminException(base + " is down or unreachable (connection refused)");
        } catch (HttpConnectTimeoutException e) {
            throw new AdminException(base + " is unreachable (no connection within " + timeout.toMillis() + " ms)");
        } catch (HttpTimeoutException e) {
            throw new AdminException(base + " did not answer " + method + " " + path + " within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw new AdminException(base + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
        return new Answer(r.statusCode(), parse(r.body()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parse(String body) {
        try {
            return Json.parse(body) instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
    }

    /** A failure to show the operator as is. */
    static final class AdminException extends Exception {
        AdminException(String message) {
            super(message);
        }
    }
}
