package dev.floe.raft.testkit;

import dev.floe.raft.server.RaftEvent;
import dev.floe.raft.server.RaftListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Keeps every {@link RaftEvent} a server reports, across its restarts, for tests to look for. */
public final class RecordingListener implements RaftListener {
    private final List<RaftEvent> events = new ArrayList<>();

    @Override
    public synchronized void onEvent(RaftEvent event) {
        events.add(event);
    }

    /** Every event so far, in order. */
    public synchronized List<RaftEvent> events() {
        return List.copyOf(events);
    }

    /** The events of one type so far. */
    public <E extends RaftEvent> List<E> all(Class<E> type) {
        return events().stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Waits for an event of {@code type} that matches {@code test}, and returns it. */
    public <E extends RaftEvent> E await(Class<E> type, String what, Predicate<E> test) {
        return Await.value(Duration.ofSeconds(15), what, () -> {
            Optional<E> found = all(type).stream().filter(test).findFirst();
            return found;
        });
    }
}
