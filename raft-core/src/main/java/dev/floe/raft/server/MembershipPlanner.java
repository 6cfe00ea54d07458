package dev.floe.raft.server;

import dev.floe.raft.ClusterConfig;
import dev.floe.raft.Endpoint;
import dev.floe.raft.Member;
import dev.floe.raft.MembershipChangeException;
import dev.floe.raft.NodeId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns a membership request into the target configuration and its address book, or refuses it
 * with {@link MembershipChangeException.Reason#INVALID} and a message naming the problem (unknown
 * id, duplicate id, duplicate address). Pure functions of the current configuration and book. The
 * core checks the rest (last voter, voter-to-learner in one step, one change at a time).
 */
final class MembershipPlanner {
    private MembershipPlanner() {
    }

    /** The target of a change, and the address book to carry with it. */
    record Plan(ClusterConfig target, MembershipBook book) {
    }

    static Plan addLearner(ClusterConfig config, MembershipBook book, Member m) {
        requireNew(config, book, m);
        TreeSet<NodeId> learners = new TreeSet<>(config.learners());
        learners.add(m.id());
        return new Plan(new ClusterConfig(config.voters(), new TreeSet<>(), learners), book.with(m));
    }

    /** Checks that learner {@code id} may be promoted; the plan is made once it caught up. */
    static void checkPromotable(ClusterConfig config, NodeId id) {
        if (config.voters().contains(id)) throw invalid(id + " is already a voter");
        if (!config.learners().contains(id)) throw invalid(id + " is not a member (unknown id): add it as a learner first");
    }

    static Plan promote(ClusterConfig config, MembershipBook book, NodeId id) {
        checkPromotable(config, id);
        TreeSet<NodeId> voters = new TreeSet<>(config.voters());
        voters.add(id);
        TreeSet<NodeId> learners = new TreeSet<>(config.learners());
        learners.remove(id);
        return new Plan(new ClusterConfig(voters, new TreeSet<>(), learners), book);
    }

    static Plan remove(ClusterConfig config, MembershipBook book, NodeId id) {
        if (!config.contains(id)) throw invalid(id + " is not a member (unknown id); members are " + config.allMembers());
        TreeSet<NodeId> voters = new TreeSet<>(config.voters());
        TreeSet<NodeId> learners = new TreeSet<>(config.learners());
        if (voters.remove(id) && voters.isEmpty()) throw invalid(id + " is the last voter; a group cannot have none");
        learners.remove(id);
        return new Plan(new ClusterConfig(voters, new TreeSet<>(), learners), book);
    }

    static Plan replace(ClusterConfig config, MembershipBook book, List<Member> voters, List<Member> learners) {
        if (voters.isEmpty()) throw invalid("the configuration would have no voters");
        List<Member> all = new ArrayList<>(voters);
        all.addAll(learners);
        Set<NodeId> ids = new HashSet<>();
        Map<Endpoint, NodeId> endpoints = new HashMap<>();
        for (Member m : all) {
            if (!ids.add(m.id())) throw invalid("duplicate id " + m.id());
            checkAddress(endpoints, m.raft(), m.id());
            checkAddress(endpoints, m.client(), m.id());
            checkUnused(book, m);
        }
        TreeSet<NodeId> voterIds = new TreeSet<>();
        voters.forEach(m -> voterIds.add(m.id()));
        TreeSet<NodeId> learnerIds = new TreeSet<>();
        learners.forEach(m -> learnerIds.add(m.id()));
        // Keep the current members' addresses too: outgoing voters of a joint configuration stay in use.
        return new Plan(new ClusterConfig(voterIds, new TreeSet<>(), learnerIds), MembershipBook.of(all).union(book));
    }

    private static void requireNew(ClusterConfig config, MembershipBook book, Member m) {
        if (config.contains(m.id())) {
            throw invalid("duplicate id: " + m.id() + " is already a " + (config.isVoter(m.id()) ? "voter" : "learner"));
        }
        if (m.raft().equals(m.client())) throw invalid(m.id() + " has the same raft and client address " + m.raft());
        checkUnused(book, m);
    }

    private static void checkUnused(MembershipBook book, Member m) {
        for (Endpoint e : List.of(m.raft(), m.client())) {
            Optional<NodeId> user = book.usedBy(e, m.id());
            if (user.isPresent()) throw invalid("duplicate address: " + e + " of " + m.id() + " is already used by " + user.get());
        }
    }

    private static void checkAddress(Map<Endpoint, NodeId> seen, Endpoint e, NodeId id) {
        NodeId other = seen.putIfAbsent(e, id);
        if (other != null) throw invalid("duplicate address " + e + " (" + other + " and " + id + ")");
    }

    static MembershipChangeException invalid(String detail) {
        return new MembershipChangeException(MembershipChangeException.Reason.INVALID, detail);
    }
}
