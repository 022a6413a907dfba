package dev.argondb.pgformat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A WAL record split into its parts, as {@code DecodeXLogRecord} does: block references (with
 * their full-page images and data) and the rmgr's main data. Layout of a record after its header:
 * block headers, an optional origin and top-level XID, the main-data header, then the block
 * images and data in block order, then the main data.
 *
 * @param origin      replication origin (XLR_BLOCK_ID_ORIGIN), or 0
 * @param toplevelXid top-level XID of a subtransaction record (XLR_BLOCK_ID_TOPLEVEL_XID), or 0
 */
public record DecodedRecord(WalRecord record, List<BlockRef> blocks, int origin, int toplevelXid,
                            int mainDataOffset, int mainDataLength) {
  public static final int XLR_MAX_BLOCK_ID = 32;
  public static final int XLR_BLOCK_ID_DATA_SHORT = 255;
  public static final int XLR_BLOCK_ID_DATA_LONG = 254;
  public static final int XLR_BLOCK_ID_ORIGIN = 253;
  public static final int XLR_BLOCK_ID_TOPLEVEL_XID = 252;
  /** SizeOfXLogRecordBlockHeader: id, fork_flags, data_length. */
  private static final int BLOCK_HEADER_SIZE = 4;
  /** SizeOfXLogRecordBlockImageHeader: length, hole_offset, bimg_info. */
  private static final int IMAGE_HEADER_SIZE = 5;

  /** The main data (a read-only view into the record). */
  public ByteBuffer mainData() {
    return slice(mainDataOffset, mainDataLength);
  }

  /** The stored (hole-less, possibly compressed) image bytes of a block. */
  public ByteBuffer blockImage(BlockRef block) {
    return slice(block.imageOffset(), block.imageLength());
  }

  /** The rmgr-specific data of a block. */
  public ByteBuffer blockData(BlockRef block) {
    return slice(block.dataOffset(), block.dataLength());
  }

  private ByteBuffer slice(int offset, int length) {
    if (offset < 0) {
      return ByteBuffer.allocate(0);
    }
    return ByteBuffer.wrap(record.bytes(), offset, length).slice().asReadOnlyBuffer()
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  static DecodedRecord parse(WalRecord record) {
    return new Parser(record).parse();
  }

  /** One pass over the record's headers; offsets of images and data follow from their lengths. */
  private static final class Parser {
    private final WalRecord record;
    private final byte[] b;
    private final int total;
    private int p = XLogRecordHeader.SIZE;

    Parser(WalRecord record) {
      this.record = record;
      this.b = record.bytes();
      this.total = record.totalLength();
    }

    DecodedRecord parse() {
      List<BlockHeader> headers = new ArrayList<>();
      int origin = 0;
      int toplevelXid = 0;
      long mainLength = 0;
      long payload = 0; // bytes of images, block data and main data announced so far
      RelFileLocator lastRel = null;
      int lastBlockId = -1;
      while (total - p > payload) {
        int id = u8();
        if (id == XLR_BLOCK_ID_DATA_SHORT) {
          mainLength = u8();
          payload += mainLength;
          break; // the main-data header is always last
        } else if (id == XLR_BLOCK_ID_DATA_LONG) {
          mainLength = u32();
          payload += mainLength;
          break;
        } else if (id == XLR_BLOCK_ID_ORIGIN) {
          origin = u16();
        } else if (id == XLR_BLOCK_ID_TOPLEVEL_XID) {
          toplevelXid = (int) u32();
        } else if (id <= XLR_MAX_BLOCK_ID) {
          if (id <= lastBlockId) {
            throw bad("out-of-order block_id " + id);
          }
          lastBlockId = id;
          BlockHeader h = blockHeader(id, lastRel);
          lastRel = h.rel;
          payload += h.imageLength + h.dataLength;
          headers.add(h);
        } else {
          throw bad("invalid block_id " + id);
        }
      }
      if (total - p != payload) {
        throw bad("record length " + total + " does not match its headers (" + p + " + " + payload + ")");
      }
      List<BlockRef> blocks = new ArrayList<>(headers.size());
      int off = p;
      for (BlockHeader h : headers) {
        int imageOffset = h.imageLength > 0 ? off : -1;
        off += h.imageLength;
        int dataOffset = h.dataLength > 0 ? off : -1;
        off += h.dataLength;
        blocks.add(new BlockRef(h.id, h.rel, h.forkFlags & BlockRef.BKPBLOCK_FORK_MASK, h.blockNumber, h.forkFlags,
            h.imageLength, h.imageInfo, h.holeOffset, h.holeLength, imageOffset, h.dataLength, dataOffset));
      }
      return new DecodedRecord(record, List.copyOf(blocks), origin, toplevelXid, mainLength > 0 ? off : -1,
          (int) mainLength);
    }

    private BlockHeader blockHeader(int id, RelFileLocator lastRel) {
      need(BLOCK_HEADER_SIZE - 1);
      BlockHeader h = new BlockHeader();
      h.id = id;
      h.forkFlags = u8();
      h.dataLength = u16();
      boolean hasData = (h.forkFlags & BlockRef.BKPBLOCK_HAS_DATA) != 0;
      if (hasData != (h.dataLength > 0)) {
        throw bad("block " + id + ": BKPBLOCK_HAS_DATA does not match data_length " + h.dataLength);
      }
      if ((h.forkFlags & BlockRef.BKPBLOCK_HAS_IMAGE) != 0) {
        need(IMAGE_HEADER_SIZE);
        h.imageLength = u16();
        h.holeOffset = u16();
        h.imageInfo = u8();
        boolean compressed = (h.imageInfo & (BlockRef.BKPIMAGE_COMPRESS_PGLZ | BlockRef.BKPIMAGE_COMPRESS_LZ4
            | BlockRef.BKPIMAGE_COMPRESS_ZSTD)) != 0;
        boolean hasHole = (h.imageInfo & BlockRef.BKPIMAGE_HAS_HOLE) != 0;
        if (compressed) {
          h.holeLength = hasHole ? u16() : 0; // XLogRecordBlockCompressHeader
        } else {
          h.holeLength = BlockRef.BLOCK_SIZE - h.imageLength;
        }
        if (hasHole != (h.holeLength > 0) || h.imageLength == 0
            || (!compressed && !hasHole && h.imageLength != BlockRef.BLOCK_SIZE)) {
          throw bad("block " + id + ": inconsistent image header (length " + h.imageLength + ", hole "
              + h.holeOffset + "+" + h.holeLength + ", info " + h.imageInfo + ")");
        }
      }
      if ((h.forkFlags & BlockRef.BKPBLOCK_SAME_REL) != 0) {
        if (lastRel == null) {
          throw bad("block " + id + ": BKPBLOCK_SAME_REL without a previous relation");
        }
        h.rel = lastRel;
      } else {
        need(RelFileLocator.SIZE);
        h.rel = RelFileLocator.parse(b, p);
        p += RelFileLocator.SIZE;
      }
      h.blockNumber = u32();
      return h;
    }

    private void need(int n) {
      if (p + n > total) {
        throw bad("record headers run past its end");
      }
    }

    private int u8() {
      need(1);
      return LittleEndian.u8(b, p++);
    }

    private int u16() {
      need(2);
      int v = LittleEndian.u16(b, p);
      p += 2;
      return v;
    }

    private long u32() {
      need(4);
      long v = LittleEndian.u32(b, p);
      p += 4;
      return v;
    }

    private WalFormatException bad(String problem) {
      return new WalFormatException(record.startLsn(), problem);
    }
  }

  private static final class BlockHeader {
    int id;
    int forkFlags;
    int dataLength;
    int imageLength;
    int holeOffset;
    int holeLength;
    int imageInfo;
    RelFileLocator rel;
    long blockNumber;
  }
}
