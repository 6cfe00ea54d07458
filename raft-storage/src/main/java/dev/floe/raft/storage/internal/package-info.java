/**
 * Implementation details of the file storage: file formats, the in-memory index and cache, the
 * group-commit writer and the recovery scanner. Not an API; may change in any release.
 */
package dev.floe.raft.storage.internal;
