package io.github.multiref.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.junit.jupiter.api.Test;

/**
 * The cursor's decoder of the RLE / bit-packed hybrid (levels and dictionary ids) against
 * parquet-java's encoder of it, an implementation written apart from it.
 */
class PageCursorTest {

  private static byte[] encode(int width, int[] values) throws Exception {
    try (RunLengthBitPackingHybridEncoder e = new RunLengthBitPackingHybridEncoder(width, 64,
        1 << 20, HeapByteBufferAllocator.getInstance())) {
      for (int v : values) {
        e.writeInt(v);
      }
      return e.toBytes().toByteArray();
    }
  }

  /** Runs (encoded as RLE) and noise (bit-packed) of every width, as levels and ids come. */
  @Test
  void decodesWhatParquetJavasEncoderWritesForEveryWidth() throws Exception {
    SplittableRandom random = new SplittableRandom(13);
    for (int width = 1; width <= 32; width++) {
      long bound = width == 32 ? 1L << 32 : 1L << width;
      for (int trial = 0; trial < 20; trial++) {
        int n = 1 + random.nextInt(3000);
        int[] values = new int[n];
        for (int i = 0; i < n; ) {
          int run = random.nextBoolean() ? 1 + random.nextInt(200) : 1 + random.nextInt(9);
          int v = (int) random.nextLong(bound);
          for (int j = 0; j < run && i < n; j++, i++) {
            values[i] = run > 9 ? v : (int) random.nextLong(bound);
          }
        }
        byte[] bytes = encode(width, values);
        // the decoder reads from the middle of a page, as it does after a V1 length prefix
        ByteBuffer page = ByteBuffer.allocate(bytes.length + 7).order(ByteOrder.LITTLE_ENDIAN);
        page.position(3);
        page.put(bytes);
        int[] out = new int[n];
        PageCursor.hybrid(page, 3, 3 + bytes.length, width, out, n);
        assertThat(out).as("width %d, trial %d", width, trial).isEqualTo(values);
      }
    }
  }

  @Test
  void refusesDataThatEndsTooSoon() throws Exception {
    int[] values = new int[100];
    for (int i = 0; i < values.length; i++) {
      values[i] = i % 5;
    }
    byte[] bytes = encode(3, values);
    ByteBuffer page = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertThatThrownBy(() -> PageCursor.hybrid(page, 0, bytes.length / 2, 3, new int[100], 100))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("of 100 values");
    assertThatThrownBy(() -> PageCursor.hybrid(page, 0, bytes.length, 3, new int[200], 200))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
