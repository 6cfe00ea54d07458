/**
 * Test support that users can reuse for their own state machines: in-memory plugs and the
 * deterministic cluster simulator. Pure Java, no threads or clocks. Not for production use.
 */
package dev.floe.raft.testkit;
