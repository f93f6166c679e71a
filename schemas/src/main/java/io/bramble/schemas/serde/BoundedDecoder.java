package io.bramble.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * An Avro binary decoder over one byte array that refuses lengths and counts the remaining bytes
 * cannot hold before anything is allocated. Avro's own decoder allocates a corrupt length prefix's
 * worth of memory first (up to 2 GiB: an OutOfMemoryError in a consumer thread); this one reports
 * corruption.
 *
 * <p>Collection counts are checked against the remaining bytes too (every item of a Bramble message
 * takes at least one byte); counts up to {@value #FREE_ITEMS} pass regardless, for schemas whose
 * items may encode in zero bytes.
 */
final class BoundedDecoder extends Decoder {
  static final long FREE_ITEMS = 65_536;

  private final byte[] buf;
  private final int limit;
  private int pos;

  BoundedDecoder(byte[] buf, int offset, int length) {
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
  }

  boolean isEnd() {
    return pos == limit;
  }

  private int remaining() {
    return limit - pos;
  }

  private void require(long n) throws EOFException {
    if (n > remaining()) {
      throw new EOFException("needs " + n + " more bytes, " + remaining() + " left");
    }
  }

  @Override
  public void readNull() {}

  @Override
  public boolean readBoolean() throws IOException {
    require(1);
    int b = buf[pos++];
    if (b != 0 && b != 1) {
      throw new AvroRuntimeException("invalid boolean byte " + b);
    }
    return b == 1;
  }

  @Override
  public int readInt() throws IOException {
    long n = readVarint(5);
    if ((n >>> 32) != 0) {
      throw new AvroRuntimeException("invalid int encoding");
    }
    int raw = (int) n;
    return (raw >>> 1) ^ -(raw & 1);
  }

  @Override
  public long readLong() throws IOException {
    long raw = readVarint(10);
    return (raw >>> 1) ^ -(raw & 1);
  }

  private long readVarint(int maxBytes) throws IOException {
    long value = 0;
    for (int i = 0, shift = 0; i < maxBytes; i++, shift += 7) {
      require(1);
      int b = buf[pos++] & 0xff;
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new AvroRuntimeException("invalid varint encoding (more than " + maxBytes + " bytes)");
  }

  @Override
  public float readFloat() throws IOException {
    require(4);
    int bits =
        (buf[pos] & 0xff)
            | (buf[pos + 1] & 0xff) << 8
            | (buf[pos + 2] & 0xff) << 16
            | (buf[pos + 3] & 0xff) << 24;
    pos += 4;
    return Float.intBitsToFloat(bits);
  }

  @Override
  public double readDouble() throws IOException {
    require(8);
    long bits = 0;
    for (int i = 7; i >= 0; i--) {
      bits = bits << 8 | (buf[pos + i] & 0xff);
    }
    pos += 8;
    return Double.longBitsToDouble(bits);
  }

  private int readLength() throws IOException {
    long length = readLong();
    if (length < 0) {
      throw new AvroRuntimeException("negative length " + length);
    }
    require(length);
    return (int) length;
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int length = readLength();
    Utf8 result = old != null ? old : new Utf8();
    result.setByteLength(length);
    System.arraycopy(buf, pos, result.getBytes(), 0, length);
    pos += length;
    return result;
  }

  @Override
  public String readString() throws IOException {
    int length = readLength();
    String s = new String(buf, pos, length, StandardCharsets.UTF_8);
    pos += length;
    return s;
  }

  @Override
  public void skipString() throws IOException {
    pos += readLength();
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int length = readLength();
    ByteBuffer result =
        old != null && old.capacity() >= length ? old.clear() : ByteBuffer.allocate(length);
    result.put(buf, pos, length).flip();
    pos += length;
    return result;
  }

  @Override
  public void skipBytes() throws IOException {
    pos += readLength();
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    require(length);
    System.arraycopy(buf, pos, bytes, start, length);
    pos += length;
  }

  @Override
  public void skipFixed(int length) throws IOException {
    require(length);
    pos += length;
  }

  @Override
  public int readEnum() throws IOException {
    return readInt();
  }

  @Override
  public int readIndex() throws IOException {
    return readInt();
  }

  /** A block's item count; a negative count is followed by the block's size in bytes. */
  private long readCount() throws IOException {
    long count = readLong();
    if (count < 0) {
      if (count == Long.MIN_VALUE) {
        throw new AvroRuntimeException("invalid block count");
      }
      count = -count;
      readLong(); // block size in bytes
    }
    if (count > remaining() && count > FREE_ITEMS) {
      throw new AvroRuntimeException(
          "block count " + count + " exceeds the " + remaining() + " bytes left");
    }
    return count;
  }

  @Override
  public long readArrayStart() throws IOException {
    return readCount();
  }

  @Override
  public long arrayNext() throws IOException {
    return readCount();
  }

  @Override
  public long readMapStart() throws IOException {
    return readCount();
  }

  @Override
  public long mapNext() throws IOException {
    return readCount();
  }

  @Override
  public long skipArray() throws IOException {
    return skipBlocks();
  }

  @Override
  public long skipMap() throws IOException {
    return skipBlocks();
  }

  /**
   * Skips blocks that carry their byte size; returns the item count of the first block that does
   * not.
   */
  private long skipBlocks() throws IOException {
    while (true) {
      long count = readLong();
      if (count >= 0) {
        if (count > remaining() && count > FREE_ITEMS) {
          throw new AvroRuntimeException(
              "block count " + count + " exceeds the " + remaining() + " bytes left");
        }
        return count;
      }
      long size = readLong();
      if (size < 0) {
        throw new AvroRuntimeException("negative block size " + size);
      }
      require(size);
      pos += (int) size;
    }
  }
}
