package dev.floe.raft.examples.kv;

import dev.floe.raft.Endpoint;
import dev.floe.raft.NodeId;

/**
 * One raft-kv member: its id, the address members replicate to ({@code raft}) and the address it
 * serves HTTP on ({@code http}).
 */
public record Member(NodeId id, Endpoint raft, Endpoint http) {
    /**
     * Parses {@code id=host:raftPort:httpPort} (an IPv6 host in brackets).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static Member parse(String text) {
        int eq = text.indexOf('=');
        if (eq <= 0) throw new IllegalArgumentException("expected id=host:raftPort:httpPort, got '" + text + "'");
        NodeId id = NodeId.of(text.substring(0, eq));
        String address = text.substring(eq + 1);
        int httpColon = address.lastIndexOf(':');
        int raftColon = httpColon <= 0 ? -1 : address.lastIndexOf(':', httpColon - 1);
        if (raftColon <= 0) throw new IllegalArgumentException("expected " + id + "=host:raftPort:httpPort, got '" + text + "'");
        String host = address.substring(0, raftColon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        Endpoint raft = new Endpoint(host, port(address.substring(raftColon + 1, httpColon), text));
        Endpoint http = new Endpoint(host, port(address.substring(httpColon + 1), text));
        if (raft.port() == http.port()) throw new IllegalArgumentException("raft and http ports of " + id + " are the same in '" + text + "'");
        return new Member(id, raft, http);
    }

    private static int port(String text, String spec) {
        try {
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65535) throw new NumberFormatException();
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad port '" + text + "' in '" + spec + "' (1-65535)");
        }
    }

    @Override
    public String toString() {
        return id + "=" + raft + ":" + http.port();
    }
}
