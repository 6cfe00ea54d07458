package dev.floe.raft.examples.kv;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One HTTP request as raft-kv's API sees it, independent of Netty. Header names are matched
 * case-insensitively. Immutable (the body array is never changed after construction).
 *
 * @param method the HTTP method, upper case
 * @param uri    the request target: path and optional query, still percent-encoded (an absolute-form
 *               target, {@code http://host/path?query}, is kept as its origin form {@code /path?query})
 */
public record KvRequest(String method, String uri, Map<String, String> headers, byte[] body) {
    public KvRequest {
        uri = originForm(uri);
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
        return pathOf(uri);
    }

    /**
     * The path of a request target, still encoded: what the API routes on and the access check
     * judges (both must agree on the resource meant, or a target could pass as another).
     */
    static String pathOf(String target) {
        String origin = originForm(target);
        int q = origin.indexOf('?');
        return q < 0 ? origin : origin.substring(0, q);
    }

    /**
     * A target in absolute form ({@code http://host:port/path?query}, which a server must accept,
     * RFC 9112 §3.2.2) as the origin form {@code /path?query}; any other target unchanged.
     */
    static String originForm(String target) {
        if (target.startsWith("/")) return target;
        int scheme = target.indexOf("://");
        if (scheme <= 0) return target;
        String prefix = target.substring(0, scheme).toLowerCase(Locale.ROOT);
        if (!prefix.equals("http") && !prefix.equals("https")) return target;
        int authorityEnd = target.length();
        for (int i = scheme + 3; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '/' || c == '?' || c == '#') {
                authorityEnd = i;
                break;
            }
        }
        String rest = target.substring(authorityEnd);
        return rest.startsWith("/") ? rest : "/" + rest;
    }

    /** The query part of {@link #uri} without the {@code ?}, still encoded; empty when absent. */
    public String rawQuery() {
        int q = uri.indexOf('?');
        return q < 0 ? "" : uri.substring(q + 1);
    }
}
