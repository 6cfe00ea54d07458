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
        printAligned(rows, out);
        out.println();
        out.println("leader: " + str(view.get("leader")) + ", commit " + str(view.get("leaderCommitIndex")));
        printGroups((List<Map<String, Object>>) view.get("members"), out);
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

    private static void printAligned(List<String[]> rows, PrintWriter out) {
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) widths[i] = Math.max(widths[i], r[i].length());
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]);
                if (i < r.length - 1) line.append(" ".repeat(widths[i] - r[i].length() + 2));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /**
     * Nodes started with {@code --groups N}: one row per group as the reachable members see it
     * (its leader, term, the leader's commit index, the lowest applied index among the members that
     * answered, and how many answered), then how many groups each member leads.
     */
    @SuppressWarnings("unchecked")
    private static void printGroups(List<Map<String, Object>> members, PrintWriter out) {
        Map<String, List<Map<String, Object>>> byGroup = new java.util.TreeMap<>(GROUP_ORDER);
        Map<String, Integer> leads = new java.util.TreeMap<>();
        for (Map<String, Object> m : members) {
            if (!Boolean.TRUE.equals(m.get("reachable")) || !(m.get("groups") instanceof List<?> groups)) continue;
            leads.putIfAbsent(str(m.get("id")), 0);
            for (Object o : groups) {
                Map<String, Object> g = (Map<String, Object>) o;
                byGroup.computeIfAbsent(str(g.get("group")), k -> new ArrayList<>()).add(g);
                if ("leader".equals(g.get("role"))) leads.merge(str(m.get("id")), 1, Integer::sum);
            }
        }
        if (byGroup.isEmpty()) return;
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"GROUP", "LEADER", "TERM", "COMMIT", "MIN APPLIED", "ANSWERED"});
        byGroup.forEach((group, views) -> {
            Map<String, Object> leader = views.stream().filter(g -> "leader".equals(g.get("role"))).findFirst().orElse(null);
            long term = views.stream().mapToLong(g -> ((Number) g.get("term")).longValue()).max().orElse(0);
            long minApplied = views.stream().mapToLong(g -> ((Number) g.get("appliedIndex")).longValue()).min().orElse(0);
            rows.add(new String[] {group, leader == null ? "none" : leader.get("leader") == null ? "?" : str(leader.get("leader")),
                String.valueOf(term), leader == null ? "-" : str(leader.get("commitIndex")), String.valueOf(minApplied),
                String.valueOf(views.size())});
        });
        out.println();
        printAligned(rows, out);
        StringBuilder line = new StringBuilder("groups led:");
        leads.forEach((id, n) -> line.append(' ').append(id).append(' ').append(n).append(','));
        out.println(line.substring(0, line.length() - 1));
    }

    /** Group ids in natural order: kv-2 before kv-10 (a numeric suffix compares by its value). */
    private static final java.util.Comparator<String> GROUP_ORDER = (a, b) -> {
        String sa = a.replaceAll("\\d+$", "");
        String sb = b.replaceAll("\\d+$", "");
        if (!sa.equals(sb)) return sa.compareTo(sb);
        String na = a.substring(sa.length()).replaceFirst("^0+(?=.)", "");
        String nb = b.substring(sb.length()).replaceFirst("^0+(?=.)", "");
        return na.length() != nb.length() ? Integer.compare(na.length(), nb.length()) : na.equals(nb) ? a.compareTo(b) : na.compareTo(nb);
    };

    private static String str(Object value) {
        if (value == null) return "-";
        if (value instanceof java.util.Optional<?> o) return o.map(String::valueOf).orElse("-");
        return String.valueOf(value);
    }
}
