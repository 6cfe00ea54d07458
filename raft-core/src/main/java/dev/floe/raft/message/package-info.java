/**
 * The messages Raft members exchange (Raft paper Figure 2, thesis chapters 3, 4, 6 and 9), as
 * immutable records. Public because a {@link dev.floe.raft.Transport} implementation encodes them.
 */
package dev.floe.raft.message;
