package dev.floe.raft.testkit;

import dev.floe.raft.message.Message;

/** Something that happens at a simulated time; ordered by time, then by creation order. */
record SimEvent(long time, long seq, Kind kind, int node, int incarnation, Message message, String note)
        implements Comparable<SimEvent> {

    enum Kind { TICK, DELIVER, DISK_DURABLE, CLIENT_SEND, CLIENT_TIMEOUT, READ_SEND, READ_TIMEOUT, SNAPSHOT_REPORT, FAULT, HEAL_ONE }

    @Override
    public int compareTo(SimEvent o) {
        int c = Long.compare(time, o.time);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }

    @Override
    public String toString() {
        String what = switch (kind) {
            case TICK -> "tick n" + (node + 1);
            case DELIVER -> "deliver " + message;
            case DISK_DURABLE -> "disk durable n" + (node + 1);
            case CLIENT_SEND -> "client " + node + " sends";
            case CLIENT_TIMEOUT -> "client " + node + " times out";
            case READ_SEND -> "reader " + node + " reads";
            case READ_TIMEOUT -> "reader " + node + " read times out";
            case SNAPSHOT_REPORT -> "snapshot transfer report to n" + (node + 1) + ": " + note + " " + message;
            case FAULT, HEAL_ONE -> note;
        };
        return String.format("%8dms %s", time, what);
    }
}
