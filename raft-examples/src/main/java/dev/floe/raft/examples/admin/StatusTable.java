package dev.floe.raft.examples.admin;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code admin status} as a table: one row per member, then work in progress (and recent events for {@code watch}). */
final class StatusTable {
    private static final String[] HEADER = {"MEMBER", "URL", "ROLE", "TERM", "LEADER", "COMMIT", "APPLIED", "LAST", "SNAPSHOT", "LAG", "HEALTH"};

    private StatusTable() {
    }

    @SuppressWarnings("unchecked")
    static void print(Map<String, Object> view, int events, PrintWriter out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        List<String> work = new ArrayList<>();
        for (Map<String, Object> m : (List<Map<String, Object>>) view.get("members")) {
            boolean up = Boolean.TRUE.equals(m.get("reachable"));
            if (!up) {
                rows.add(new String[] {str(m.get("id")), str(m.get("url")), "DOWN", "-", "-", "-", "-", "-", "-", "-", str(m.get("error"))});
                continue;
            }
            Map<String, Object> health = (Map<String, Object>) m.getOrDefault("health", Map.of());
            String h = Boolean.FALSE.equals(m.get("running")) ? "stopped"
                    : Boolean.TRUE.equals(health.get("ready")) ? "ready" : "not ready: " + health.get("reason");
            rows.add(new String[] {str(m.get("id")), str(m.get("url")), str(m.get("role")), str(m.get("term")), str(m.get("leader")),
                str(m.get("commitIndex")), str(m.get("appliedIndex")), str(m.get("lastLogIndex")), str(m.get("snapshotIndex")),
                str(m.get("lag")), h});
            for (Map<String, Object> w : (List<Map<String, Object>>) m.getOrDefault("work", List.of())) {
                long done = ((Number) w.get("done")).longValue();
                long total = ((Number) w.get("total")).longValue();
                work.add(m.get("id") + ": " + w.get("kind") + " " + ("snapshot-receive".equals(w.get("kind")) ? "from " : "to ")
                        + w.get("peer") + ": " + done + " of " + (total < 0 ? "?" : total) + " " + w.get("unit")
                        + (total > 0 ? " (" + (100 * done / total) + "%)" : "") + ", " + str(w.get("state")).replace('-', ' '));
            }
        }
        int[] widths = new int[HEADER.length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) widths[i] = Math.max(widths[i], r[i].length());
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]);
                if (i < r.length - 1) line.append(" ".repeat(widths[i] - r[i].length() + 2));
            }
            out.println(line.toString().stripTrailing());
        }
        out.println();
        out.println("leader: " + str(view.get("leader")) + ", commit " + str(view.get("leaderCommitIndex")));
        if (!work.isEmpty()) {
            out.println("in progress:");
            for (String w : work) out.println("  " + w);
        }
        List<Map<String, Object>> recent = (List<Map<String, Object>>) view.getOrDefault("events", List.of());
        if (events > 0 && !recent.isEmpty()) {
            out.println("recent events:");
            for (Map<String, Object> e : recent.subList(0, Math.min(events, recent.size()))) {
                out.println("  " + java.time.Instant.ofEpochMilli(((Number) e.get("time")).longValue()) + "  " + e.get("member") + "  " + e.get("text"));
            }
        }
        out.flush();
    }

    private static String str(Object value) {
        if (value == null) return "-";
        if (value instanceof java.util.Optional<?> o) return o.map(String::valueOf).orElse("-");
        return String.valueOf(value);
    }
}
