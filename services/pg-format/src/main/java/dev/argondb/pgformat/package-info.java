/**
 * Postgres 17 on-disk formats, without Vert.x: {@link dev.argondb.pgformat.Lsn} and
 * {@link dev.argondb.pgformat.WalSegments} (positions and file names),
 * {@link dev.argondb.pgformat.WalRecordDecoder} (record boundaries and contents from a WAL byte
 * stream, with {@link dev.argondb.pgformat.DecodedRecord}, {@link dev.argondb.pgformat.CheckpointRecord}
 * and {@link dev.argondb.pgformat.XactRecord} for what ArgonDB reads inside records) and
 * {@link dev.argondb.pgformat.ControlFile} ({@code global/pg_control}). Multi-byte values are
 * little-endian (x86-64), the only platform ArgonDB runs computes on.
 */
package dev.argondb.pgformat;
