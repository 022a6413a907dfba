package dev.argondb.pgformat;

/** Reads and writes little-endian integers in byte arrays (Postgres files use the host order: x86-64). */
final class LittleEndian {
  private LittleEndian() {}

  static int u8(byte[] b, int off) {
    return b[off] & 0xFF;
  }

  static int u16(byte[] b, int off) {
    return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
  }

  static int i32(byte[] b, int off) {
    return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
  }

  static long u32(byte[] b, int off) {
    return i32(b, off) & 0xFFFF_FFFFL;
  }

  static long i64(byte[] b, int off) {
    return (i32(b, off) & 0xFFFF_FFFFL) | ((long) i32(b, off + 4)) << 32;
  }

  static void putI32(byte[] b, int off, int v) {
    b[off] = (byte) v;
    b[off + 1] = (byte) (v >>> 8);
    b[off + 2] = (byte) (v >>> 16);
    b[off + 3] = (byte) (v >>> 24);
  }

  static void putI64(byte[] b, int off, long v) {
    putI32(b, off, (int) v);
    putI32(b, off + 4, (int) (v >>> 32));
  }
}
