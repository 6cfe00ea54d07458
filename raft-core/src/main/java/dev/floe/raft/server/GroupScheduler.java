package dev.floe.raft.server;

import dev.floe.raft.GroupId;
import java.util.SplittableRandom;
import org.slf4j.MDC;

/**
 * One group's view of a {@link RaftHost}'s shared scheduler: each run of the group's activities
 * carries the group id in the logging context ({@value #MDC_KEY}), so that the log lines of a
 * thousand groups that share one node id and one pool of threads say which group they are about
 * (a pattern shows it with {@code %X{floe.group}}). Activity names get the group id too.
 */
final class GroupScheduler implements Scheduler {
    /** The logging-context key holding the group id during a group's runs. */
    static final String MDC_KEY = "floe.group";

    private final Scheduler shared;
    private final String group;

    GroupScheduler(Scheduler shared, GroupId group) {
        this.shared = shared;
        this.group = group.value();
    }

    @Override
    public Activity start(String name, Task task) {
        return shared.start(name + "-" + group, () -> {
            MDC.put(MDC_KEY, group);
            try {
                return task.run();
            } finally {
                MDC.remove(MDC_KEY);
            }
        });
    }

    @Override
    public SplittableRandom newRandom() {
        return shared.newRandom();
    }
}
