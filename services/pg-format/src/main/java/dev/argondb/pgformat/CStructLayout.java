package dev.argondb.pgformat;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Offsets of a C struct's fields computed the way a C compiler lays them out on x86-64: each field
 * at the next multiple of its alignment, the struct aligned to its strictest field and padded to a
 * multiple of that. Lets on-disk structs be declared field by field, in declaration order, instead
 * of carrying hand-computed offsets.
 */
public final class CStructLayout {
  private final String name;
  private final Map<String, Integer> offsets;
  private final Map<String, CStructLayout> nested;
  private final int size;
  private final int alignment;

  private CStructLayout(String name, Map<String, Integer> offsets, Map<String, CStructLayout> nested, int size,
                        int alignment) {
    this.name = name;
    this.offsets = offsets;
    this.nested = nested;
    this.size = size;
    this.alignment = alignment;
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** Offset of {@code field}; a dotted path ({@code checkPointCopy.redo}) reaches into nested structs. */
  public int offset(String field) {
    int dot = field.indexOf('.');
    if (dot < 0) {
      Integer off = offsets.get(field);
      if (off == null) {
        throw new IllegalArgumentException(name + " has no field " + field);
      }
      return off;
    }
    String head = field.substring(0, dot);
    CStructLayout inner = nested.get(head);
    if (inner == null) {
      throw new IllegalArgumentException(name + " has no struct field " + head);
    }
    return offset(head) + inner.offset(field.substring(dot + 1));
  }

  /** sizeof: the end of the last field, padded to the struct's alignment. */
  public int size() {
    return size;
  }

  public int alignment() {
    return alignment;
  }

  /** Declares fields in order. */
  public static final class Builder {
    private final String name;
    private final Map<String, Integer> offsets = new LinkedHashMap<>();
    private final Map<String, CStructLayout> nested = new LinkedHashMap<>();
    private int end;
    private int alignment = 1;

    private Builder(String name) {
      this.name = name;
    }

    /** A field of {@code size} bytes aligned to {@code align}. */
    public Builder field(String field, int size, int align) {
      if (offsets.containsKey(field)) {
        throw new IllegalArgumentException("duplicate field " + field);
      }
      int off = alignUp(end, align);
      offsets.put(field, off);
      end = off + size;
      alignment = Math.max(alignment, align);
      return this;
    }

    /** uint64, int64, XLogRecPtr, pg_time_t. */
    public Builder int64(String field) {
      return field(field, 8, 8);
    }

    /** uint32, int32, Oid, TransactionId, TimeLineID, an enum, pg_crc32c. */
    public Builder int32(String field) {
      return field(field, 4, 4);
    }

    public Builder bool(String field) {
      return field(field, 1, 1);
    }

    public Builder float64(String field) {
      return field(field, 8, 8);
    }

    public Builder chars(String field, int length) {
      return field(field, length, 1);
    }

    public Builder struct(String field, CStructLayout layout) {
      nested.put(field, layout);
      return field(field, layout.size(), layout.alignment());
    }

    public CStructLayout build() {
      return new CStructLayout(name, Map.copyOf(offsets), Map.copyOf(nested), alignUp(end, alignment), alignment);
    }

    private static int alignUp(int value, int align) {
      return (value + align - 1) / align * align;
    }
  }
}
