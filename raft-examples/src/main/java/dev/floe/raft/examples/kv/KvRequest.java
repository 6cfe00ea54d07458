package dev.floe.raft.examples.kv;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as raft-kv's API sees it, independent of Netty. Header names are matched
 * case-insensitively. Immutable (the body array is never changed after construction).
 *
 * @param method the HTTP method, upper case
 * @param uri    the request target as sent: path and optional query, still percent-encoded
 */
public record KvRequest(String method, String uri, Map<String, String> headers, byte[] body) {
    public KvRequest {
        Map<String, String> lower = new java.util.HashMap<>();
        headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
        headers = Map.copyOf(lower);
    }

    /** The header's value, if sent. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /** The path part of {@link #uri}, still encoded. */
    public String rawPath() {
        int q = uri.indexOf('?');
        return q < 0 ? uri : uri.substring(0, q);
    }

    /** The query part of {@link #uri} without the {@code ?}, still encoded; empty when absent. */
    public String rawQuery() {
        int q = uri.indexOf('?');
        return q < 0 ? "" : uri.substring(q + 1);
    }
}
