package dev.floe.raft.examples;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Minimal {@code --name value} command-line parsing with clear errors. */
final class Args {
    private final Map<String, String> values = new HashMap<>();

    Args(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument '" + a + "'");
            int eq = a.indexOf('=');
            if (eq > 0) {
                values.put(a.substring(0, eq), a.substring(eq + 1));
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                values.put(a, args.get(++i));
            } else {
                values.put(a, "true");
            }
        }
    }

    /** Refuses any option not in {@code known}, naming it. */
    Args only(String... known) {
        java.util.Set<String> names = java.util.Set.of(known);
        for (String name : values.keySet()) {
            if (!names.contains(name)) throw new IllegalArgumentException("unknown option " + name);
        }
        return this;
    }

    /** The value of a required option. */
    String required(String name) {
        String v = values.get(name);
        if (v == null || v.equals("true")) throw new IllegalArgumentException(name + " is required");
        return v;
    }

    String string(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    long longValue(String name, long fallback) {
        String v = values.get(name);
        if (v == null) return fallback;
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " expects a number, got '" + v + "'");
        }
    }

    int intValue(String name, int fallback) {
        return Math.toIntExact(longValue(name, fallback));
    }
}
