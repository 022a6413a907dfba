package dev.argondb.bus.grpc;

/**
 * Facts of a lazy basebackup (pageserver.proto, BasebackupRequest.lazy_min_bytes) both ends must agree on.
 */
public final class LazyBasebackup {
  /**
   * PAX header of a tar entry sent without its bytes: the file's real size in decimal. The entry itself has
   * size 0; the receiver reads the bytes with GetPages.
   */
  public static final String SIZE_HEADER = "ARGON.lazy_size";
  /** The most bytes one GetPages may ask for. */
  public static final int MAX_PAGES_BYTES = 1 << 20;
  /** GetPages offsets and lengths are multiples of this: Postgres's page size. */
  public static final int PAGE_BYTES = 8192;

  private LazyBasebackup() {}
}
