package dev.floe.raft.testkit;

/** A simulated client with at most one command outstanding; it retries until the command is applied. */
final class SimClient {
    final int id;
    int seq;
    String command = "";
    boolean waiting;
    long issuedAt;
    /** The node it believes leads, or -1. */
    int target = -1;
    /** Bumped at every proposal and completion, so stale timeouts are ignored. */
    int attempt;

    SimClient(int id) {
        this.id = id;
    }
}
