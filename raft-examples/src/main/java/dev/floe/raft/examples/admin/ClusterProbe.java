package dev.floe.raft.examples.admin;

import dev.floe.raft.examples.kv.ClusterView;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Asks every member for its {@code /v1/node}: the URLs given, then every member they list, so one
 * URL finds the whole cluster. A member that does not answer stays in the view, unreachable, with
 * the reason.
 */
final class ClusterProbe {
    private ClusterProbe() {
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> collect(AdminClient client, List<String> bases) {
        Deque<String> queue = new ArrayDeque<>(bases);
        Set<String> asked = new LinkedHashSet<>();
        Map<String, Map<String, Object>> reports = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, String> idByUrl = new HashMap<>();
        while (!queue.isEmpty()) {
            String base = queue.poll();
            if (!asked.add(base)) continue;
            try {
                AdminClient.Answer a = client.get(base, "/v1/node");
                if (!a.ok()) throw new AdminClient.AdminException(base + " answered " + a.problem());
                reports.put(base, new LinkedHashMap<>(a.body()));
                idByUrl.put(base, (String) a.body().get("id"));
                for (Object m : (List<?>) a.body().getOrDefault("members", List.of())) {
                    Map<String, Object> member = (Map<String, Object>) m;
                    if (member.get("http") instanceof String http) {
                        String url = "http://" + http;
                        idByUrl.putIfAbsent(url, (String) member.get("id"));
                        if (!asked.contains(url)) queue.add(url);
                    }
                }
            } catch (AdminClient.AdminException e) {
                errors.put(base, e.getMessage());
            }
        }
        List<Map<String, Object>> members = new ArrayList<>();
        reports.forEach((base, report) -> {
            report.put("url", base);
            report.put("reachable", true);
            members.add(report);
        });
        errors.forEach((base, error) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", idByUrl.getOrDefault(base, "?"));
            m.put("url", base);
            m.put("reachable", false);
            m.put("error", error);
            members.add(m);
        });
        members.sort(Comparator.comparing(m -> (String) m.get("id")));
        return ClusterView.of("admin", members);
    }
}
