package dev.floe.raft.testkit;

import dev.floe.raft.Bytes;
import dev.floe.raft.NotLeaderException;
import dev.floe.raft.ReadConsistency;
import dev.floe.raft.server.RaftServer;
import java.util.concurrent.CompletableFuture;

/**
 * A simulated client of one Raft group with one operation outstanding at a time: the user's
 * commands (with a session, so that retries after a failure or a silence are safe) and queries,
 * each recorded in the group's {@link History}. It follows "not the leader" hints and tries
 * another member after 300 ms of silence. A probe asks one member for one operation (a read, or a
 * write followed by a step of the scenario), then stops.
 */
final class SimClient {

    /** The group a client talks to, and the run it is part of. */
    interface Service extends SimGroup {
        SimWorld world();

        SimShape shape();

        History history();

        ApplyLog applyLog();

        SimStats stats();

        OperationGenerator commands();

        /** Null when the clients only write. */
        OperationGenerator queries();

        /** {@return the process of replica {@code i} (its current incarnation, or the crashed one until it restarts)} */
        SimProcess process(int i);

        /** {@return when the fault phase ends: no operation starts after it} */
        long faultEnd();

        /** {@return until when the workload is idle (clients start nothing new before)} */
        long idleUntil();

        /** {@return a new operation id} */
        long newOperation();

        /** Records a trace line. */
        void note(String line);

        /** {@return whether every answer goes to the trace} */
        boolean traceOperations();

        /** A probe started its read: it must finish like any operation. */
        void probing(SimClient probe);

        /** {@return a replica to send a request to when no leader is known, at random} */
        default int pick(java.util.random.RandomGenerator random) {
            return random.nextInt(size());
        }
    }

    private final Service service;
    final int id;
    private final String session;
    private long sequence;
    History.Operation op;
    private int target;
    private long attempt;
    /** A probe asks one member for one operation, then stops: -1 for a regular client. */
    private final int probeTarget;
    /** Whether the probe's one operation is a write (else a read). */
    private final boolean probeWrites;
    /** What runs once the probe's operation was answered; null for nothing. */
    private final Runnable afterProbe;
    private boolean probed;

    SimClient(Service service, int id) {
        this(service, id, -1, false, null);
    }

    SimClient(Service service, int id, int probeTarget, boolean probeWrites, Runnable afterProbe) {
        this.service = service;
        this.id = id;
        this.session = "client-" + id;
        this.probeTarget = probeTarget;
        this.target = probeTarget;
        this.probeWrites = probeWrites;
        this.afterProbe = afterProbe;
    }

    void next() {
        if (op != null && !op.completed()) return; // the last write, asked while this client was idle
        op = null;
        SimWorld world = service.world();
        if (world.now() >= service.faultEnd()) return; // the heal phase only finishes what is outstanding
        if (world.now() < service.idleUntil() && probeTarget < 0) {
            world.at(service.idleUntil(), null, this::next); // an idle period of the workload
            return;
        }
        OperationGenerator queries = service.queries();
        if (probeTarget >= 0) {
            if (probed) return;
            if (!probeWrites && queries == null) return;
            probed = true;
            if (probeWrites) sequence++;
            op = service.history().invoke(service.newOperation(), probeWrites,
                    probeWrites ? service.commands().next(world.random) : queries.next(world.random), world.now());
            service.probing(this);
            send();
            return;
        }
        long operation = service.newOperation();
        if (queries == null || world.random.nextDouble() < service.shape().writeShare()) {
            write(operation);
        } else {
            op = service.history().invoke(operation, false, queries.next(world.random), world.now());
        }
        send();
    }

    /** After the faults healed: one more command, which the group must commit (liveness). */
    void lastWrite() {
        if (op != null) return; // what is outstanding must complete anyway
        write(service.newOperation());
        send();
    }

    private void write(long operation) {
        sequence++;
        op = service.history().invoke(operation, true, service.commands().next(service.world().random), service.world().now());
    }

    private void send() {
        if (op == null || op.completed()) return; // answered meanwhile: nothing to retry
        SimWorld world = service.world();
        SimShape shape = service.shape();
        long mine = ++attempt;
        int to = target >= 0 ? target : service.pick(world.random);
        History.Operation current = op;
        long seq = sequence;
        ReadConsistency consistency = shape.options().leaseReads() && (probeTarget >= 0 || world.random.nextBoolean())
                ? ReadConsistency.LEASE : ReadConsistency.LINEARIZABLE;
        SimProcess p = service.process(to);
        p.run(1 + world.random.nextInt((int) shape.maxDelayNanos()), () -> {
            RaftServer server = service.server(to);
            if (server == null) return;
            CompletableFuture<Bytes> f = current.write
                    ? server.submit(session, seq, CheckedStateMachine.tag(current.id, current.input))
                    : server.read(current.input, consistency);
            f.whenComplete((value, error) -> {
                int bound = service.applyLog().size();
                if (service.traceOperations()) {
                    service.note(service.id(to) + " answers " + (current.write ? "write " : consistency + " read ") + current.id + " "
                            + current.input.toUtf8() + (error == null ? " -> " + value.toUtf8() : " failed: " + error)
                            + " (" + bound + " commands applied anywhere)");
                }
                world.at(world.now() + 1 + world.random.nextInt((int) shape.maxDelayNanos()), null,
                        () -> response(mine, value, error, bound));
            });
        });
        // A client that hears nothing for 300 ms tries another member (the same session sequence).
        world.at(world.now() + 300 * SimShape.MS, null, () -> {
            if (attempt == mine && op == current) {
                target = -1;
                send();
            }
        });
    }

    private void response(long which, Bytes value, Throwable error, int bound) {
        if (which != attempt || op == null) return;
        SimWorld world = service.world();
        SimStats stats = service.stats();
        if (error == null) {
            op.completedAt = world.now();
            op.output = value;
            op.appliedBound = bound;
            if (op.write) stats.writes++;
            else stats.reads++;
            if (afterProbe != null && world.now() < service.faultEnd()) afterProbe.run(); // at once: the next step races a deposition
            world.at(world.now() + world.random.nextInt(20) * SimShape.MS, null, this::next);
            return;
        }
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        if (probeTarget >= 0 && cause instanceof dev.floe.raft.BackpressureException) {
            target = probeTarget; // busy, not wrong: a probe asks the member it is about again
        } else if (cause instanceof NotLeaderException nle && nle.leader().isPresent()) {
            target = service.indexOf(nle.leader().get());
        } else {
            target = -1;
        }
        stats.retries++;
        world.at(world.now() + (target >= 0 ? 2 : 20) * SimShape.MS, null, () -> {
            if (which == attempt) send();
        });
    }
}
