package dev.floe.raft.testkit;

/** What one simulated run did, summed over runs by {@link SimulationReport}. */
public final class SimStats {
    long events;
    long writes;
    long reads;
    long retries;
    long crashes;
    long hardStatesLost;
    long syncedTailsLost;
    long pauses;
    long partitions;
    long configChanges;
    long transfers;
    long elections;
    long snapshotsInstalled;
    /** Times a member's consensus loop went to sleep (its group quiesced). */
    long quiescences;
    /** Liveness checks that reported a silent member with peerSuspected. */
    long suspicions;
    /** Hosts of many groups: pings sent between hosts. */
    long pings;
    /** Hosts of many groups: heartbeats that travelled in a frame with other groups' heartbeats. */
    long heartbeatsCoalesced;
    /** Hosts of many groups: messages dropped on arrival for a group the host did not run. */
    long unknownGroupDrops;
    /** Hosts of many groups: groups stopped on one host and started again at run time. */
    long groupRestarts;
    /** Hosts of many groups: groups created at run time. */
    long groupsCreated;
    /** Hosts of many groups: leader balancing passes asked of a host. */
    long balances;
    /** Hosts of many groups: replicas that left a host after their removal from the group committed. */
    long replicasRetired;
    /** Hosts of many groups: idle groups that elected a new leader in time after their leader's host crashed. */
    long orphansReelected;

    SimStats() {
    }

    void add(SimStats o) {
        events += o.events;
        writes += o.writes;
        reads += o.reads;
        retries += o.retries;
        crashes += o.crashes;
        hardStatesLost += o.hardStatesLost;
        syncedTailsLost += o.syncedTailsLost;
        pauses += o.pauses;
        partitions += o.partitions;
        configChanges += o.configChanges;
        transfers += o.transfers;
        elections += o.elections;
        snapshotsInstalled += o.snapshotsInstalled;
        quiescences += o.quiescences;
        suspicions += o.suspicions;
        pings += o.pings;
        heartbeatsCoalesced += o.heartbeatsCoalesced;
        unknownGroupDrops += o.unknownGroupDrops;
        groupRestarts += o.groupRestarts;
        groupsCreated += o.groupsCreated;
        balances += o.balances;
        orphansReelected += o.orphansReelected;
        replicasRetired += o.replicasRetired;
    }

    /**
     * Client commands that completed (each applied exactly once).
     *
     * @return the count
     */
    public long writes() {
        return writes;
    }

    /**
     * Client queries that completed.
     *
     * @return the count
     */
    public long reads() {
        return reads;
    }

    /**
     * Simulated process crashes (and restarts from the member's disk).
     *
     * @return the count
     */
    public long crashes() {
        return crashes;
    }

    /**
     * Crashes after which the member's hard state was gone, so that it restarted repairing.
     *
     * @return the count
     */
    public long hardStatesLost() {
        return hardStatesLost;
    }

    /**
     * Crashes whose member lost a suffix of its synced log (and restarted repairing).
     *
     * @return the count
     */
    public long syncedTailsLost() {
        return syncedTailsLost;
    }

    /**
     * Simulated process pauses.
     *
     * @return the count
     */
    public long pauses() {
        return pauses;
    }

    /**
     * Leaders elected: a member seen leading a term it did not lead before.
     *
     * @return the count
     */
    public long elections() {
        return elections;
    }

    /**
     * Simulation events processed.
     *
     * @return the count
     */
    public long events() {
        return events;
    }

    @Override
    public String toString() {
        return events + " events, " + writes + " writes and " + reads + " reads completed (" + retries + " retries), "
                + crashes + " crashes (" + hardStatesLost + " losing the hard state, " + syncedTailsLost + " a synced tail), " + pauses + " pauses, " + partitions + " partitions, " + configChanges
                + " membership changes asked, " + transfers + " leadership transfers asked, " + elections + " leaders elected, "
                + snapshotsInstalled + " snapshot restores"
                + (quiescences > 0 ? ", " + quiescences + " consensus loops quiesced" : "") + (suspicions > 0 ? ", " + suspicions + " peers suspected" : "")
                + (pings > 0 ? ", " + pings + " host pings, " + heartbeatsCoalesced + " heartbeats coalesced, " + unknownGroupDrops
                + " messages for groups not running dropped, " + groupRestarts + " groups restarted and " + groupsCreated
                + " created at run time, " + replicasRetired + " replicas retired after their removal, " + balances + " leader balancings asked"
                + (orphansReelected > 0 ? ", " + orphansReelected + " idle groups re-elected after their leader's host crashed" : "") : "");
    }
}
