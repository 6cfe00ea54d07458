package dev.floe.raft.transport.netty.internal;

import dev.floe.raft.Bytes;
import dev.floe.raft.GroupId;
import dev.floe.raft.ReadConsistency;
import dev.floe.raft.transport.proto.ClientBackpressure;
import dev.floe.raft.transport.proto.ClientError;
import dev.floe.raft.transport.proto.ClientHandshake;
import dev.floe.raft.transport.proto.ClientNotLeader;
import dev.floe.raft.transport.proto.ClientOk;
import dev.floe.raft.transport.proto.ClientOutcomeUnknown;
import dev.floe.raft.transport.proto.ClientQuery;
import dev.floe.raft.transport.proto.ClientReadConsistency;
import dev.floe.raft.transport.proto.ClientResponse;
import dev.floe.raft.transport.proto.ClientSubmit;
import dev.floe.raft.transport.proto.Frame;

/**
 * The frames of the client protocol (docs/client-protocol.md): built here, and checked here when
 * received, so that the endpoint and the client agree on every rule. The two hot frames, a valid
 * submit and an OK response, take {@link ClientCodec}'s path in production (the same bytes, no
 * protobuf objects); its tests compare it with the frames built here.
 */
public final class ClientFrames {
    /** The client protocol version this build speaks and accepts. */
    public static final int VERSION = 1;
    /** The longest client id accepted, in characters. */
    public static final int MAX_CLIENT_ID_CHARS = 128;

    private ClientFrames() {
    }

    public static Frame handshake(String clusterId, String clientId) {
        return handshake(clusterId, clientId, GroupId.DEFAULT);
    }

    /** A handshake for the requests of group {@code group}: named in {@code Frame.group}, empty for the default group. */
    public static Frame handshake(String clusterId, String clientId, GroupId group) {
        Frame.Builder frame = Frame.newBuilder().setClientHandshake(ClientHandshake.newBuilder()
                .setProtocolVersion(VERSION).setClusterId(clusterId).setClientId(clientId).build());
        if (!group.equals(GroupId.DEFAULT)) frame.setGroup(group.value());
        return frame.build();
    }

    /**
     * The group a client handshake names: {@code Frame.group}, or the default group when empty.
     *
     * @throws WireException when it is not a valid group id
     */
    public static GroupId group(Frame handshake) throws WireException {
        String value = handshake.getGroup();
        if (value.isEmpty()) return GroupId.DEFAULT;
        try {
            return GroupId.of(value);
        } catch (IllegalArgumentException e) {
            throw new WireException("invalid group '" + printable(value) + "' in the client handshake");
        }
    }

    public static Frame submit(long requestId, String clientId, long sequence, long lowestOutstanding, Bytes command) {
        return Frame.newBuilder().setClientSubmit(ClientSubmit.newBuilder()
                .setRequestId(requestId).setClientId(clientId).setSequence(sequence)
                .setLowestOutstandingSequence(lowestOutstanding)
                .setCommand(ByteStrings.of(command)).build()).build();
    }

    public static Frame query(long requestId, Bytes query) {
        return query(requestId, query, ReadConsistency.LINEARIZABLE);
    }

    public static Frame query(long requestId, Bytes query, ReadConsistency consistency) {
        return Frame.newBuilder().setClientQuery(ClientQuery.newBuilder()
                .setRequestId(requestId).setQuery(ByteStrings.of(query)).setConsistency(wire(consistency)).build()).build();
    }

    private static ClientReadConsistency wire(ReadConsistency consistency) {
        return switch (consistency) {
            case LINEARIZABLE -> ClientReadConsistency.CLIENT_READ_LINEARIZABLE;
            case LEASE -> ClientReadConsistency.CLIENT_READ_LEASE;
            case STALE -> ClientReadConsistency.CLIENT_READ_STALE;
        };
    }

    /**
     * What a query asks for.
     *
     * @throws WireException for a value this member does not know (a newer client)
     */
    public static ReadConsistency consistency(ClientQuery query) throws WireException {
        return switch (query.getConsistency()) {
            case CLIENT_READ_LINEARIZABLE -> ReadConsistency.LINEARIZABLE;
            case CLIENT_READ_LEASE -> ReadConsistency.LEASE;
            case CLIENT_READ_STALE -> ReadConsistency.STALE;
            case UNRECOGNIZED -> throw new WireException("unknown read consistency " + query.getConsistencyValue());
        };
    }

    public static Frame ok(long requestId, Bytes result) {
        return response(ClientResponse.newBuilder().setRequestId(requestId)
                .setOk(ClientOk.newBuilder().setResult(ByteStrings.of(result)).build()));
    }

    public static Frame notLeader(long requestId, ClientNotLeader notLeader) {
        return response(ClientResponse.newBuilder().setRequestId(requestId).setNotLeader(notLeader));
    }

    public static Frame backpressure(long requestId, String message) {
        return response(ClientResponse.newBuilder().setRequestId(requestId)
                .setBackpressure(ClientBackpressure.newBuilder().setMessage(message).build()));
    }

    public static Frame outcomeUnknown(long requestId, String message) {
        return response(ClientResponse.newBuilder().setRequestId(requestId)
                .setOutcomeUnknown(ClientOutcomeUnknown.newBuilder().setMessage(message).build()));
    }

    public static Frame error(long requestId, String message) {
        return response(ClientResponse.newBuilder().setRequestId(requestId)
                .setError(ClientError.newBuilder().setMessage(message).build()));
    }

    /** Inner messages are built before the envelope: nested builders cost a parent notification per setter. */
    private static Frame response(ClientResponse.Builder response) {
        return Frame.newBuilder().setClientResponse(response.build()).build();
    }

    /**
     * The client id of an acceptable handshake for cluster {@code clusterId}.
     *
     * @throws WireException naming the reason otherwise
     */
    public static String acceptHandshake(Frame frame, String clusterId) throws WireException {
        if (!frame.hasClientHandshake()) throw new WireException("first frame is not a client handshake (" + frame.getBodyCase() + ")");
        ClientHandshake h = frame.getClientHandshake();
        if (h.getProtocolVersion() != VERSION) {
            throw new WireException("unsupported client protocol version " + Integer.toUnsignedString(h.getProtocolVersion())
                    + " (this member speaks " + VERSION + ")");
        }
        if (!h.getClusterId().equals(clusterId)) {
            throw new WireException("wrong cluster id '" + printable(h.getClusterId()) + "' (expected '" + clusterId + "')");
        }
        String clientId = h.getClientId();
        if (clientId.isEmpty() || clientId.length() > MAX_CLIENT_ID_CHARS) {
            throw new WireException("client id must have 1.." + MAX_CLIENT_ID_CHARS + " characters, got " + clientId.length());
        }
        return clientId;
    }

    /**
     * Checks a request received after the handshake of {@code clientId}: a submit or a query with a
     * non-zero request id, a submit of that session with a sequence number from 1.
     *
     * @throws WireException naming the violation
     */
    public static void checkRequest(Frame frame, String clientId) throws WireException {
        switch (frame.getBodyCase()) {
            case CLIENT_SUBMIT -> {
                ClientSubmit s = frame.getClientSubmit();
                if (s.getRequestId() == 0) throw new WireException("submit with request id 0");
                if (!s.getClientId().equals(clientId)) {
                    throw new WireException("submit for client '" + printable(s.getClientId()) + "' on the connection of '" + clientId + "'");
                }
                if (s.getSequence() == 0) throw new WireException("submit with sequence number 0");
                if (Long.compareUnsigned(s.getLowestOutstandingSequence(), s.getSequence()) > 0) {
                    throw new WireException("submit " + Long.toUnsignedString(s.getSequence()) + " claims lowest outstanding sequence "
                            + Long.toUnsignedString(s.getLowestOutstandingSequence()));
                }
            }
            case CLIENT_QUERY -> {
                if (frame.getClientQuery().getRequestId() == 0) throw new WireException("query with request id 0");
            }
            default -> throw new WireException("unexpected " + frame.getBodyCase() + " frame from a client");
        }
    }

    /** At most 64 characters of {@code text}, for log lines about untrusted input. */
    static String printable(String text) {
        String cut = text.length() > 64 ? text.substring(0, 64) + "…" : text;
        return cut.replaceAll("\\p{Cntrl}", "?");
    }
}
