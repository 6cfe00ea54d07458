package dev.floe.raft.benchmarks.plot;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One flat JSON object as the benchmarks print it ({@code {"system":"floe","in_flight":32,...}}):
 * string, number and boolean fields, no nesting. Anything else is refused with the line quoted.
 */
public final class JsonLine {
    private static final Pattern FIELD = Pattern.compile(
            "\\s*\"([^\"\\\\]+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|-?[0-9][0-9.eE+-]*|true|false|null)\\s*(,|$)");

    private final Map<String, String> fields;

    private JsonLine(Map<String, String> fields) {
        this.fields = fields;
    }

    /** Parses {@code line}; throws {@link IllegalArgumentException} naming what it could not read. */
    public static JsonLine parse(String line) {
        String s = line.trim();
        if (!s.startsWith("{") || !s.endsWith("}")) throw new IllegalArgumentException("not a JSON object: " + line);
        String body = s.substring(1, s.length() - 1).trim();
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(body);
        int at = 0;
        while (at < body.length()) {
            if (!m.find(at) || m.start() != at) throw new IllegalArgumentException("cannot read field at offset " + at + " of: " + line);
            fields.put(m.group(1), m.group(3) != null ? m.group(3).replace("\\\"", "\"").replace("\\\\", "\\") : m.group(2));
            at = m.end();
        }
        return new JsonLine(fields);
    }

    public Optional<String> string(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    /** The field as a number, if present and numeric. */
    public Optional<Double> number(String name) {
        String v = fields.get(name);
        if (v == null) return Optional.empty();
        try {
            return Optional.of(Double.parseDouble(v));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** The field as a number, or {@code fallback} when absent (older lines lack the newer fields). */
    public double number(String name, double fallback) {
        return number(name).orElse(fallback);
    }

    public boolean has(String name) {
        return fields.containsKey(name);
    }
}
