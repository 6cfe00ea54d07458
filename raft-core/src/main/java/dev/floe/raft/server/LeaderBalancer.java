package dev.floe.raft.server;

import dev.floe.raft.GroupId;
import dev.floe.raft.NodeId;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Plans leadership transfers (thesis §3.10) that spread the leaders of this host's groups over
 * their voters. Each host sees only its own groups, so hosts see different parts of the placement,
 * and a rule over "the leaders of the groups I see" let hosts that each saw themselves above their
 * share hand leaderships around in circles forever (found by the host simulation with 4 hosts). So
 * the groups are balanced by class: the groups with the same set of voters, which every host of
 * that set sees alike. Within a class, this host hands a group it leads to the voter that leads the
 * fewest of the class, while it leads at least two more than that voter: each transfer lowers the
 * class's sum of squared leader counts, so the transfers stop, with the leaders of every class
 * within one of an even spread over its voters (and a host's total within one per class it is in).
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
        Map<Set<NodeId>, Map<NodeId, Integer>> leadersByClass = new HashMap<>();
        Set<Set<NodeId>> unsettled = new HashSet<>();
        for (ServerStatus status : groups.values()) {
            if (!balanced(status)) continue;
            Map<NodeId, Integer> leaders = leadersByClass.computeIfAbsent(status.config().voters(), v -> new TreeMap<>());
            for (NodeId voter : status.config().voters()) leaders.putIfAbsent(voter, 0);
            // A group whose leader this host does not know yet (an election, or a transfer it has not
            // heard of) would count as led by nobody and make a voter look idle: wait for the class to settle.
            if (status.leader().filter(leaders::containsKey).isEmpty()) unsettled.add(status.config().voters());
            status.leader().filter(leaders::containsKey).ifPresent(l -> leaders.merge(l, 1, Integer::sum));
        }
        unsettled.forEach(leadersByClass::remove);
        Map<GroupId, NodeId> plan = new LinkedHashMap<>();
        for (Map.Entry<GroupId, ServerStatus> e : groups.entrySet()) {
            ServerStatus status = e.getValue();
            if (!balanced(status) || status.role() != ServerStatus.Role.LEADER) continue;
            Map<NodeId, Integer> leaders = leadersByClass.get(status.config().voters());
            if (leaders == null) continue; // unsettled
            NodeId to = leaders.keySet().stream().filter(v -> !v.equals(self))
                    .min(Comparator.comparing((NodeId v) -> leaders.get(v)).thenComparing(v -> v)).orElse(null);
            int mine = leaders.getOrDefault(self, 0);
            if (to == null || mine - leaders.get(to) < 2) continue;
            plan.put(e.getKey(), to);
            leaders.put(self, mine - 1);
            leaders.merge(to, 1, Integer::sum);
        }
        return plan;
    }

    /** Running groups with a plain configuration take part (a joint one is changing its voters). */
    private static boolean balanced(ServerStatus status) {
        return status.running() && !status.config().isJoint();
    }
}
