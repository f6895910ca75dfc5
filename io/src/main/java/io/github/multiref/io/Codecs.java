package io.github.multiref.io;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/**
 * Page compression without Hadoop: parquet-java's own factory builds Hadoop codecs through a
 * Hadoop {@code Configuration}, which needs Hadoop's 30 MB runtime jar. Snappy (what DuckDB,
 * pyarrow and Spark write by default), ZSTD, GZIP and uncompressed pages are read; multiref writes
 * Snappy.
 */
@SuppressWarnings("deprecation") // BytesInput.toByteArray: the codecs here work on arrays
final class Codecs implements CompressionCodecFactory {

  static final Codecs INSTANCE = new Codecs();

  private Codecs() {}

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    supported(codec);
    return new BytesInputCompressor() {
      /**
       * Snappy's output, reused from page to page: parquet-java copies a compressed page into its
       * column chunk's buffer before it asks for the next one (one compressor per column chunk).
       */
      private byte[] out = new byte[0];

      @Override
      public BytesInput compress(BytesInput bytes) throws IOException {
        if (codec == CompressionCodecName.SNAPPY) {
          ByteBuffer in = bytes.toByteBuffer(); // a view when the page is one array, no copy
          if (!in.hasArray()) {
            in = ByteBuffer.wrap(bytes.toByteArray());
          }
          int length = in.remaining();
          int most = Snappy.maxCompressedLength(length);
          if (out.length < most) {
            out = new byte[most];
          }
          int n = Snappy.compress(in.array(), in.arrayOffset() + in.position(), length, out, 0);
          return BytesInput.from(out, 0, n);
        }
        byte[] in = bytes.toByteArray();
        switch (codec) {
          case UNCOMPRESSED:
            return BytesInput.from(in);
          case ZSTD:
            return BytesInput.from(Zstd.compress(in, 3));
          default: { // GZIP
            ByteArrayOutputStream out = new ByteArrayOutputStream(in.length / 2 + 64);
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
              gz.write(in);
            }
            return BytesInput.from(out.toByteArray());
          }
        }
      }

      @Override
      public CompressionCodecName getCodecName() {
        return codec;
      }

      @Override
      public void release() {}
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    supported(codec);
    return new BytesInputDecompressor() {
      @Override
      public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
        if (codec == CompressionCodecName.SNAPPY) {
          ByteBuffer in = bytes.toByteBuffer(); // a view of the column chunk's bytes, no copy
          if (in.hasArray()) {
            return BytesInput.from(snappy(in.array(), in.arrayOffset() + in.position(),
                in.remaining(), uncompressedSize));
          }
        }
        return BytesInput.from(decompressed(bytes.toByteArray(), uncompressedSize));
      }

      /** A Snappy page {@code in[from .. from + length - 1]} uncompressed into a new array. */
      private byte[] snappy(byte[] in, int from, int length, int size) throws IOException {
        checkSize(size);
        int claimed = Snappy.uncompressedLength(in, from, length);
        if (claimed != size) {
          throw new IOException("a Snappy page holds " + claimed
              + " bytes but its header says " + size);
        }
        byte[] out = new byte[size];
        int n = Snappy.uncompress(in, from, length, out, 0);
        if (n != size) {
          throw new IOException("a SNAPPY page holds " + n + " bytes but its header says " + size);
        }
        return out;
      }

      private void checkSize(int size) throws IOException {
        if (size < 0 || size > ParquetTableReader.MAX_PAGE_BYTES) {
          throw new IOException("a page claims " + size + " bytes (more than "
              + ParquetTableReader.MAX_PAGE_BYTES + " is taken as a corrupt file)");
        }
      }

      @Override
      public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output,
          int uncompressedSize) throws IOException {
        byte[] in = new byte[compressedSize];
        input.get(in);
        output.put(decompressed(in, uncompressedSize));
      }

      private byte[] decompressed(byte[] in, int size) throws IOException {
        checkSize(size);
        byte[] out;
        switch (codec) {
          case UNCOMPRESSED:
            out = in;
            break;
          case SNAPPY:
            return snappy(in, 0, in.length, size);
          case ZSTD:
            out = Zstd.decompress(in, size);
            break;
          default:
            try (GZIPInputStream gz = new GZIPInputStream(new ByteArrayInputStream(in))) {
              out = gz.readNBytes(size);
            }
        }
        if (out.length != size) {
          throw new IOException("a " + codec + " page holds " + out.length
              + " bytes but its header says " + size);
        }
        return out;
      }

      @Override
      public void release() {}
    };
  }

  private static void supported(CompressionCodecName codec) {
    switch (codec) {
      case UNCOMPRESSED:
      case SNAPPY:
      case ZSTD:
      case GZIP:
        return;
      default:
        throw new DataException("the file's pages are compressed with " + codec
            + ", which multiref does not read; rewrite it with SNAPPY, ZSTD, GZIP or none"
            + " (DuckDB: COPY ... TO 'f.parquet' (COMPRESSION snappy))");
    }
  }

  @Override
  public void release() {}
}
