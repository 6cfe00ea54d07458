package dev.floe.raft.server;

import dev.floe.raft.GroupId;
import dev.floe.raft.NodeId;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Plans leadership transfers (thesis §3.10) that move this host's excess leaderships to the hosts
 * that lead the fewest of the groups it sees. Each host plans only for the groups it leads; with
 * every host running the same plan on its own view, the leaders converge to within one of an even
 * spread over the hosts that vote in the groups.
 */
final class LeaderBalancer {
    private LeaderBalancer() {
    }

    /**
     * The transfers to start: for each group to hand over, the voter to hand it to.
     *
     * @param self   this host
     * @param groups the status of every local group
     */
    static Map<GroupId, NodeId> plan(NodeId self, SortedMap<GroupId, ServerStatus> groups) {
        Map<NodeId, Integer> leaders = new TreeMap<>();
        for (ServerStatus status : groups.values()) {
            if (!status.running()) continue;
            for (NodeId voter : status.config().voters()) leaders.putIfAbsent(voter, 0);
            status.leader().ifPresent(l -> leaders.merge(l, 1, Integer::sum));
        }
        Map<GroupId, NodeId> plan = new LinkedHashMap<>();
        if (leaders.isEmpty()) return plan;
        int total = leaders.values().stream().mapToInt(Integer::intValue).sum();
        int target = (total + leaders.size() - 1) / leaders.size(); // at most this many per host
        int mine = leaders.getOrDefault(self, 0);
        for (Map.Entry<GroupId, ServerStatus> e : groups.entrySet()) {
            if (mine <= target) break;
            ServerStatus status = e.getValue();
            if (!status.running() || status.role() != ServerStatus.Role.LEADER || status.config().isJoint()) continue;
            Optional<NodeId> to = status.config().voters().stream()
                    .filter(v -> !v.equals(self))
                    .min(Comparator.comparing((NodeId v) -> leaders.getOrDefault(v, 0)).thenComparing(v -> v));
            if (to.isEmpty() || leaders.getOrDefault(to.get(), 0) + 1 > target) continue;
            plan.put(e.getKey(), to.get());
            leaders.merge(to.get(), 1, Integer::sum);
            mine--;
        }
        return plan;
    }
}
