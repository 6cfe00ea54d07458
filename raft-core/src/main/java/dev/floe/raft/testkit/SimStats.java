package dev.floe.raft.testkit;

/** Counters of one simulated run. */
public final class SimStats {
    public long messagesSent;
    public long messagesDropped;
    public long messagesDuplicated;
    public long crashes;
    public long partitions;
    public long oneWayCuts;
    public long lossBursts;
    public long elections;
    public long proposalsAccepted;
    public long proposalsRejected;
    public long commandsApplied;
    public long commandsCommitted;
    public long duplicateApplications;
    public long readsCompleted;
    public long readsRejected;
    public long leaseReads;
    public long snapshots;
    public long snapshotsSent;
    public long configChanges;
    public long transfers;
    public long latencySumMillis;
    public long latencyMaxMillis;

    void recordLatency(long millis) {
        latencySumMillis += millis;
        latencyMaxMillis = Math.max(latencyMaxMillis, millis);
    }

    /** Faults injected so far, of every kind. */
    public long faults() {
        return crashes + partitions + oneWayCuts + lossBursts;
    }

    SimStats copy() {
        SimStats s = new SimStats();
        s.messagesSent = messagesSent;
        s.messagesDropped = messagesDropped;
        s.messagesDuplicated = messagesDuplicated;
        s.crashes = crashes;
        s.partitions = partitions;
        s.oneWayCuts = oneWayCuts;
        s.lossBursts = lossBursts;
        s.elections = elections;
        s.proposalsAccepted = proposalsAccepted;
        s.proposalsRejected = proposalsRejected;
        s.commandsApplied = commandsApplied;
        s.commandsCommitted = commandsCommitted;
        s.duplicateApplications = duplicateApplications;
        s.readsCompleted = readsCompleted;
        s.readsRejected = readsRejected;
        s.leaseReads = leaseReads;
        s.snapshots = snapshots;
        s.snapshotsSent = snapshotsSent;
        s.configChanges = configChanges;
        s.transfers = transfers;
        s.latencySumMillis = latencySumMillis;
        s.latencyMaxMillis = latencyMaxMillis;
        return s;
    }

    @Override
    public String toString() {
        return "msgs=" + messagesSent + " dropped=" + messagesDropped + " dup=" + messagesDuplicated
                + " crashes=" + crashes + " partitions=" + partitions + " cuts=" + oneWayCuts + " bursts=" + lossBursts
                + " elections=" + elections + " committed=" + commandsCommitted + " reads=" + readsCompleted + " snapshots=" + snapshots + " sent=" + snapshotsSent + " configChanges=" + configChanges + " transfers=" + transfers;
    }
}
