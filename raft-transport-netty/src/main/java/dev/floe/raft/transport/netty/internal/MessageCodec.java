package dev.floe.raft.transport.netty.internal;

import static dev.floe.raft.transport.netty.internal.ValueCodec.nonNegative;

import dev.floe.raft.NodeId;
import dev.floe.raft.message.AppendRequest;
import dev.floe.raft.message.AppendResponse;
import dev.floe.raft.message.HeartbeatRequest;
import dev.floe.raft.message.HeartbeatResponse;
import dev.floe.raft.message.Message;
import dev.floe.raft.message.ReadIndexRequest;
import dev.floe.raft.message.ReadIndexResponse;
import dev.floe.raft.message.SnapshotRequest;
import dev.floe.raft.message.SnapshotResponse;
import dev.floe.raft.message.TermProbe;
import dev.floe.raft.message.TermProbeResponse;
import dev.floe.raft.message.TimeoutNow;
import dev.floe.raft.message.VoteRequest;
import dev.floe.raft.message.VoteResponse;
import dev.floe.raft.transport.proto.Frame;

/**
 * Maps every {@link Message} to a protobuf {@link Frame} and back.
 *
 * <p>Messages do not carry their sender and receiver on the wire: the connection's handshake fixes
 * them, so {@link #decode} takes them from the caller. Java 17 has no exhaustive pattern switch, so
 * {@link #encode} is a type test per permitted subtype; {@code MessageCodecTest} fails when
 * {@link Message} permits a type this codec does not map.
 */
public final class MessageCodec {
    private MessageCodec() {
    }

    /** The frame carrying {@code message}. */
    public static Frame encode(Message message) {
        Frame.Builder frame = Frame.newBuilder();
        if (message instanceof AppendRequest m) {
            var b = dev.floe.raft.transport.proto.AppendRequest.newBuilder()
                    .setTerm(m.term())
                    .setPrevLogIndex(m.prevLogIndex())
                    .setPrevLogTerm(m.prevLogTerm())
                    .setLeaderCommit(m.leaderCommit())
                    .setQuiesce(m.quiesce());
            for (var e : m.entries()) b.addEntries(ValueCodec.encodeEntry(e));
            frame.setAppendRequest(b);
        } else if (message instanceof AppendResponse m) {
            frame.setAppendResponse(dev.floe.raft.transport.proto.AppendResponse.newBuilder()
                    .setTerm(m.term())
                    .setSuccess(m.success())
                    .setMatchIndex(m.matchIndex())
                    .setRejectedIndex(m.rejectedIndex())
                    .setHintIndex(m.hintIndex())
                    .setHintTerm(m.hintTerm())
                    .setHeardRound(m.heardRound()));
        } else if (message instanceof HeartbeatRequest m) {
            frame.setHeartbeatRequest(dev.floe.raft.transport.proto.HeartbeatRequest.newBuilder()
                    .setTerm(m.term())
                    .setCommit(m.commit())
                    .setReadContext(m.readContext()));
        } else if (message instanceof HeartbeatResponse m) {
            frame.setHeartbeatResponse(dev.floe.raft.transport.proto.HeartbeatResponse.newBuilder()
                    .setTerm(m.term())
                    .setReadContext(m.readContext()));
        } else if (message instanceof VoteRequest m) {
            frame.setVoteRequest(dev.floe.raft.transport.proto.VoteRequest.newBuilder()
                    .setTerm(m.term())
                    .setLastLogIndex(m.lastLogIndex())
                    .setLastLogTerm(m.lastLogTerm())
                    .setPreVote(m.preVote())
                    .setTransfer(m.transfer()));
        } else if (message instanceof VoteResponse m) {
            frame.setVoteResponse(dev.floe.raft.transport.proto.VoteResponse.newBuilder()
                    .setTerm(m.term())
                    .setPreVote(m.preVote())
                    .setGranted(m.granted()));
        } else if (message instanceof SnapshotRequest m) {
            frame.setSnapshotRequest(dev.floe.raft.transport.proto.SnapshotRequest.newBuilder()
                    .setTerm(m.term())
                    .setMeta(ValueCodec.encodeMeta(m.meta()))
                    .setOffset(m.offset())
                    .setChunk(ByteStrings.of(m.chunk()))
                    .setDone(m.done())
                    .setChecksum(m.checksum()));
        } else if (message instanceof SnapshotResponse m) {
            frame.setSnapshotResponse(dev.floe.raft.transport.proto.SnapshotResponse.newBuilder()
                    .setTerm(m.term())
                    .setSnapshotIndex(m.snapshotIndex())
                    .setNextOffset(m.nextOffset())
                    .setSuccess(m.success()));
        } else if (message instanceof TimeoutNow m) {
            frame.setTimeoutNow(dev.floe.raft.transport.proto.TimeoutNow.newBuilder().setTerm(m.term()));
        } else if (message instanceof ReadIndexRequest m) {
            frame.setReadIndexRequest(dev.floe.raft.transport.proto.ReadIndexRequest.newBuilder()
                    .setTerm(m.term())
                    .setRequestId(m.requestId()));
        } else if (message instanceof ReadIndexResponse m) {
            frame.setReadIndexResponse(dev.floe.raft.transport.proto.ReadIndexResponse.newBuilder()
                    .setTerm(m.term())
                    .setRequestId(m.requestId())
                    .setReadIndex(m.readIndex())
                    .setSuccess(m.success()));
        } else if (message instanceof TermProbe m) {
            frame.setTermProbe(dev.floe.raft.transport.proto.TermProbe.newBuilder().setTerm(m.term()).setProbeId(m.probeId()));
        } else if (message instanceof TermProbeResponse m) {
            frame.setTermProbeResponse(dev.floe.raft.transport.proto.TermProbeResponse.newBuilder()
                    .setTerm(m.term()).setProbeId(m.probeId()));
        } else {
            throw new IllegalArgumentException("no wire mapping for " + message.getClass().getName());
        }
        return frame.build();
    }

    /**
     * The message {@code frame} carries from {@code from} to {@code to}.
     *
     * @throws WireException when the frame carries no message (an unset or unknown body), a
     *                       handshake, or invalid values
     */
    public static Message decode(Frame frame, NodeId from, NodeId to) throws WireException {
        try {
            return switch (frame.getBodyCase()) {
                case APPEND_REQUEST -> {
                    var m = frame.getAppendRequest();
                    long prev = nonNegative(m.getPrevLogIndex(), "prev_log_index");
                    yield new AppendRequest(from, to, nonNegative(m.getTerm(), "term"), prev,
                            nonNegative(m.getPrevLogTerm(), "prev_log_term"),
                            ValueCodec.decodeEntries(m.getEntriesList(), prev),
                            nonNegative(m.getLeaderCommit(), "leader_commit"), m.getQuiesce());
                }
                case APPEND_RESPONSE -> {
                    var m = frame.getAppendResponse();
                    yield new AppendResponse(from, to, nonNegative(m.getTerm(), "term"), m.getSuccess(),
                            nonNegative(m.getMatchIndex(), "match_index"), nonNegative(m.getRejectedIndex(), "rejected_index"),
                            nonNegative(m.getHintIndex(), "hint_index"), nonNegative(m.getHintTerm(), "hint_term"),
                            nonNegative(m.getHeardRound(), "heard_round"));
                }
                case HEARTBEAT_REQUEST -> {
                    var m = frame.getHeartbeatRequest();
                    yield new HeartbeatRequest(from, to, nonNegative(m.getTerm(), "term"),
                            nonNegative(m.getCommit(), "commit"), m.getReadContext());
                }
                case HEARTBEAT_RESPONSE -> {
                    var m = frame.getHeartbeatResponse();
                    yield new HeartbeatResponse(from, to, nonNegative(m.getTerm(), "term"), m.getReadContext());
                }
                case VOTE_REQUEST -> {
                    var m = frame.getVoteRequest();
                    yield new VoteRequest(from, to, nonNegative(m.getTerm(), "term"),
                            nonNegative(m.getLastLogIndex(), "last_log_index"), nonNegative(m.getLastLogTerm(), "last_log_term"),
                            m.getPreVote(), m.getTransfer());
                }
                case VOTE_RESPONSE -> {
                    var m = frame.getVoteResponse();
                    yield new VoteResponse(from, to, nonNegative(m.getTerm(), "term"), m.getPreVote(), m.getGranted());
                }
                case SNAPSHOT_REQUEST -> {
                    var m = frame.getSnapshotRequest();
                    if (!m.hasMeta()) throw new WireException("missing field meta in snapshot_request");
                    yield new SnapshotRequest(from, to, nonNegative(m.getTerm(), "term"), ValueCodec.decodeMeta(m.getMeta()),
                            nonNegative(m.getOffset(), "offset"), ByteStrings.toBytes(m.getChunk()), m.getDone(), m.getChecksum());
                }
                case SNAPSHOT_RESPONSE -> {
                    var m = frame.getSnapshotResponse();
                    yield new SnapshotResponse(from, to, nonNegative(m.getTerm(), "term"),
                            nonNegative(m.getSnapshotIndex(), "snapshot_index"), nonNegative(m.getNextOffset(), "next_offset"),
                            m.getSuccess());
                }
                case TIMEOUT_NOW -> new TimeoutNow(from, to, nonNegative(frame.getTimeoutNow().getTerm(), "term"));
                case READ_INDEX_REQUEST -> {
                    var m = frame.getReadIndexRequest();
                    yield new ReadIndexRequest(from, to, nonNegative(m.getTerm(), "term"), m.getRequestId());
                }
                case READ_INDEX_RESPONSE -> {
                    var m = frame.getReadIndexResponse();
                    yield new ReadIndexResponse(from, to, nonNegative(m.getTerm(), "term"), m.getRequestId(),
                            nonNegative(m.getReadIndex(), "read_index"), m.getSuccess());
                }
                case HEARTBEAT_BATCH, HOST_PING ->
                        throw new WireException(frame.getBodyCase() + " where one message was expected");
                case TERM_PROBE -> new TermProbe(from, to, nonNegative(frame.getTermProbe().getTerm(), "term"),
                        frame.getTermProbe().getProbeId());
                case TERM_PROBE_RESPONSE -> new TermProbeResponse(from, to,
                        nonNegative(frame.getTermProbeResponse().getTerm(), "term"), frame.getTermProbeResponse().getProbeId());
                case HANDSHAKE -> throw new WireException("unexpected handshake after the connection's handshake");
                case CLIENT_HANDSHAKE, CLIENT_SUBMIT, CLIENT_QUERY, CLIENT_RESPONSE ->
                        throw new WireException("client protocol frame (" + frame.getBodyCase() + ") on a peer connection");
                case BODY_NOT_SET -> throw new WireException("frame carries no message (missing or unknown message type)");
            };
        } catch (IllegalArgumentException | NullPointerException e) {
            // A value the core's records refuse, reported like any other protocol violation.
            throw new WireException("invalid message: " + e.getMessage(), e);
        }
    }
}
