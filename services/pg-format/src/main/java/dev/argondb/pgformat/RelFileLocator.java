package dev.argondb.pgformat;

/** A relation's storage: tablespace, database and relfilenumber (what {@code pg_relation_filenode} returns). */
public record RelFileLocator(long spcOid, long dbOid, long relNumber) {
  /** sizeof(RelFileLocator): three uint32 OIDs. */
  public static final int SIZE = 12;

  static RelFileLocator parse(byte[] b, int off) {
    return new RelFileLocator(LittleEndian.u32(b, off), LittleEndian.u32(b, off + 4), LittleEndian.u32(b, off + 8));
  }

  @Override
  public String toString() {
    return spcOid + "/" + dbOid + "/" + relNumber;
  }
}
