package dev.argondb.pgformat;

/**
 * A block a WAL record touches (one {@code XLogRecordBlockHeader} and what follows it).
 *
 * @param blockId      block reference ID within the record (0..32)
 * @param fork         fork number (0 main, 1 fsm, 2 visibility map, 3 init)
 * @param forkFlags    the raw fork_flags byte (BKPBLOCK_* bits)
 * @param imageLength  bytes of the stored full-page image (0 without an image)
 * @param imageInfo    bimg_info (BKPIMAGE_* bits)
 * @param holeOffset   where the removed all-zero "hole" of the page starts
 * @param holeLength   length of that hole
 * @param imageOffset  offset of the image bytes in the record, or -1
 * @param dataLength   bytes of rmgr-specific data for this block
 * @param dataOffset   offset of those bytes in the record, or -1
 */
public record BlockRef(int blockId, RelFileLocator relation, int fork, long blockNumber, int forkFlags,
                       int imageLength, int imageInfo, int holeOffset, int holeLength, int imageOffset,
                       int dataLength, int dataOffset) {
  public static final int BKPBLOCK_FORK_MASK = 0x0F;
  public static final int BKPBLOCK_HAS_IMAGE = 0x10;
  public static final int BKPBLOCK_HAS_DATA = 0x20;
  public static final int BKPBLOCK_WILL_INIT = 0x40;
  public static final int BKPBLOCK_SAME_REL = 0x80;
  public static final int BKPIMAGE_HAS_HOLE = 0x01;
  public static final int BKPIMAGE_APPLY = 0x02;
  public static final int BKPIMAGE_COMPRESS_PGLZ = 0x04;
  public static final int BKPIMAGE_COMPRESS_LZ4 = 0x08;
  public static final int BKPIMAGE_COMPRESS_ZSTD = 0x10;
  /** BLCKSZ of data pages. */
  public static final int BLOCK_SIZE = 8192;

  public boolean hasImage() {
    return (forkFlags & BKPBLOCK_HAS_IMAGE) != 0;
  }

  /** The image must be restored on replay (not only kept for wal_consistency_checking). */
  public boolean appliesImage() {
    return hasImage() && (imageInfo & BKPIMAGE_APPLY) != 0;
  }

  public boolean imageCompressed() {
    return (imageInfo & (BKPIMAGE_COMPRESS_PGLZ | BKPIMAGE_COMPRESS_LZ4 | BKPIMAGE_COMPRESS_ZSTD)) != 0;
  }

  public boolean hasData() {
    return (forkFlags & BKPBLOCK_HAS_DATA) != 0;
  }

  /** Redo re-initializes the page, so it need not be read first. */
  public boolean willInit() {
    return (forkFlags & BKPBLOCK_WILL_INIT) != 0;
  }
}
