package dev.floe.raft.examples.kv;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cluster as operators see it ({@code /v1/cluster}, {@code /ui}, {@code admin status}): every
 * member's {@code /v1/node} report, the leader, each member's lag behind the leader's commit, and
 * every member's recent events merged.
 */
public final class ClusterView {
    private ClusterView() {
    }

    /**
     * The view of {@code members} (each a {@code /v1/node} plus {@code reachable}): the leader
     * (the reachable member leading in the highest term), each member's lag behind the
     * leader's commit, and every member's events merged, newest first.
     */
    public static Map<String, Object> of(String self, List<Map<String, Object>> members) {
        Optional<Map<String, Object>> leader = members.stream()
                .filter(m -> Boolean.TRUE.equals(m.get("reachable")) && "leader".equals(m.get("role")))
                .max(Comparator.comparingLong(m -> ((Number) m.get("term")).longValue()));
        long leaderCommit = leader.map(l -> ((Number) l.get("commitIndex")).longValue()).orElse(-1L);
        List<Map<String, Object>> events = new ArrayList<>();
        for (Map<String, Object> m : members) {
            if (Boolean.TRUE.equals(m.get("reachable"))) {
                if (leaderCommit >= 0) m.put("lag", Math.max(0, leaderCommit - ((Number) m.get("appliedIndex")).longValue()));
                for (Object e : (List<?>) m.getOrDefault("events", List.of())) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> event = (Map<String, Object>) e;
                    events.add(event);
                }
                m.remove("events");
            }
        }
        events.sort(Comparator.comparingLong((Map<String, Object> e) -> ((Number) e.get("time")).longValue()).reversed());
        return Json.obj("self", self, "leader", leader.map(l -> l.get("id")), "leaderCommitIndex",
                leaderCommit < 0 ? Optional.empty() : leaderCommit, "members", members,
                "events", events.subList(0, Math.min(events.size(), KvEvents.KEPT)));
    }
}
