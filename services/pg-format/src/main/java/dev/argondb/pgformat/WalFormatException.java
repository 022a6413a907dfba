package dev.argondb.pgformat;

/** Corrupt or inconsistent WAL at {@link #lsn()}: bad page header, bad record header, CRC mismatch. */
public class WalFormatException extends PgFormatException {
  private final long lsn;

  public WalFormatException(long lsn, String problem) {
    super(problem + " at " + Lsn.format(lsn));
    this.lsn = lsn;
  }

  /** Where the problem is: the page or record start that failed validation. */
  public long lsn() {
    return lsn;
  }
}
