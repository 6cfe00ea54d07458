package dev.floe.raft.examples.kv;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP response of raft-kv, independent of Netty: status, content type, extra headers, body.
 * Immutable (the body array is never changed after construction).
 */
public record Reply(int status, String contentType, Map<String, String> headers, byte[] body) {
    static final String JSON = "application/json";
    static final String TEXT = "text/plain; charset=utf-8";

    public Reply {
        headers = Map.copyOf(headers);
    }

    /** A JSON reply of {@code value} (see {@link Json#write}). */
    static Reply json(int status, Object value) {
        return new Reply(status, JSON, Map.of(), Json.write(value).getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON error reply: {@code {"error":code,"detail":detail}}. */
    static Reply error(int status, String code, String detail) {
        return json(status, Json.obj("error", code, "detail", detail));
    }

    /** The same reply with one more header. */
    Reply withHeader(String name, String value) {
        Map<String, String> more = new java.util.HashMap<>(headers);
        more.put(name, value);
        return new Reply(status, contentType, more, body);
    }
}
