package dev.floe.raft.examples.kv;

import dev.floe.raft.NodeId;
import dev.floe.raft.server.RaftEvent;
import dev.floe.raft.server.RaftListener;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What one raft-kv node shows operators beyond its status (in {@code /v1/node}, {@code admin
 * status} and {@code /ui}): the last {@link #KEPT} notable events with their wall-clock time, and
 * the long work in progress (snapshot transfers, followers catching up) with done/total.
 * Thread-safe; fed by the Raft server's threads.
 */
final class KvEvents implements RaftListener {
    static final int KEPT = 50;
    /** A finished transfer or catch-up stays visible this long, so a poller sees it end. */
    private static final long SHOW_FINISHED_MILLIS = 10_000;

    /** One line for people: when, which member, what kind, and a sentence. */
    record Event(long timeMillis, String member, String kind, String text) {
        Map<String, Object> json() {
            return Json.obj("time", timeMillis, "member", member, "kind", kind, "text", text);
        }
    }

    /** Long work: what, with whom, how far. */
    record Work(String kind, String peer, long done, long total, String unit, String state, long updatedMillis) {
        Map<String, Object> json() {
            return Json.obj("kind", kind, "peer", peer, "done", done, "total", total, "unit", unit, "state", state);
        }
    }

    private final ArrayDeque<Event> recent = new ArrayDeque<>();
    private final Map<String, Work> work = new LinkedHashMap<>();

    @Override
    public void onEvent(RaftEvent e) {
        String text = describe(e);
        if (e instanceof RaftEvent.SnapshotTransfer t) {
            String kind = t.direction() == RaftEvent.Direction.SENDING ? "snapshot-send" : "snapshot-receive";
            track(kind, t.peer(), t.doneBytes(), t.totalBytes(), "bytes", lower(t.state()));
        } else if (e instanceof RaftEvent.CatchUp c) {
            track("catch-up", c.peer(), c.matchIndex(), c.leaderLastIndex(), "entries", c.caughtUp() ? "done" : "in-progress");
        }
        if (text == null) return;
        synchronized (this) {
            recent.addFirst(new Event(System.currentTimeMillis(), e.member().value(), kind(e), text));
            while (recent.size() > KEPT) recent.removeLast();
        }
    }

    private synchronized void track(String kind, NodeId peer, long done, long total, String unit, String state) {
        work.put(kind + "/" + peer.value(), new Work(kind, peer.value(), done, total, unit, state, System.currentTimeMillis()));
    }

    /** The recent events, newest first. */
    synchronized List<Event> recent() {
        return List.copyOf(recent);
    }

    /** Work in progress, and work finished in the last few seconds. */
    synchronized List<Work> work() {
        long now = System.currentTimeMillis();
        work.values().removeIf(w -> !w.state().equals("in-progress") && !w.state().equals("started")
                && now - w.updatedMillis() > SHOW_FINISHED_MILLIS);
        return new ArrayList<>(work.values());
    }

    private static String kind(RaftEvent e) {
        String name = e.getClass().getSimpleName();
        return name.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** A sentence for the notable events; null for the periodic report. */
    private static String describe(RaftEvent e) {
        if (e instanceof RaftEvent.RoleChanged r) {
            return "term " + r.term() + ": " + lower(r.role()) + " (was " + lower(r.previousRole()) + "), leader "
                    + r.leader().map(NodeId::value).orElse("unknown");
        } else if (e instanceof RaftEvent.ElectionStarted s) {
            return "starts an election for term " + s.term() + ": " + lower(s.cause()).replace('-', ' ')
                    + s.previousLeader().map(l -> " (leader was " + l.value() + ")").orElse("");
        } else if (e instanceof RaftEvent.MembershipChanged m) {
            return "configuration now " + m.config() + " (was " + m.previous() + ")";
        } else if (e instanceof RaftEvent.SnapshotTaken s) {
            return "took snapshot at " + s.index() + " (" + s.bytes() + " bytes, " + s.durationNanos() / 1_000_000 + " ms)";
        } else if (e instanceof RaftEvent.SnapshotInstalled s) {
            return "installed snapshot at " + s.index() + " (" + s.bytes() + " bytes)";
        } else if (e instanceof RaftEvent.SnapshotTransfer t) {
            if (t.state() == RaftEvent.TransferState.IN_PROGRESS) return null; // shown as progress, not as events
            return "snapshot " + t.index() + (t.direction() == RaftEvent.Direction.SENDING ? " to " : " from ") + t.peer().value()
                    + ": " + lower(t.state()) + (t.state() == RaftEvent.TransferState.STARTED ? "" : " (" + t.doneBytes() + " bytes)");
        } else if (e instanceof RaftEvent.CatchUp c) {
            return c.caughtUp() ? "follower " + c.peer().value() + " caught up at " + c.matchIndex() : null;
        } else if (e instanceof RaftEvent.FatalError f) {
            return "FATAL: " + f.what() + ": " + f.cause();
        }
        return null;
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
