package dev.floe.raft.testkit;

/** What one simulated run did, summed over runs by {@link SimulationReport}. */
public final class SimStats {
    long events;
    long writes;
    long reads;
    long retries;
    long crashes;
    long pauses;
    long partitions;
    long configChanges;
    long transfers;
    long elections;
    long snapshotsInstalled;

    void add(SimStats o) {
        events += o.events;
        writes += o.writes;
        reads += o.reads;
        retries += o.retries;
        crashes += o.crashes;
        pauses += o.pauses;
        partitions += o.partitions;
        configChanges += o.configChanges;
        transfers += o.transfers;
        elections += o.elections;
        snapshotsInstalled += o.snapshotsInstalled;
    }

    /** Client commands that completed (each applied exactly once). */
    public long writes() {
        return writes;
    }

    /** Client queries that completed. */
    public long reads() {
        return reads;
    }

    public long crashes() {
        return crashes;
    }

    public long pauses() {
        return pauses;
    }

    public long elections() {
        return elections;
    }

    public long events() {
        return events;
    }

    @Override
    public String toString() {
        return events + " events, " + writes + " writes and " + reads + " reads completed (" + retries + " retries), "
                + crashes + " crashes, " + pauses + " pauses, " + partitions + " partitions, " + configChanges
                + " membership changes asked, " + transfers + " leadership transfers asked, " + elections + " leaders elected, "
                + snapshotsInstalled + " snapshot restores";
    }
}
