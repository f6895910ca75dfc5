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
      @Override
      public BytesInput compress(BytesInput bytes) throws IOException {
        byte[] in = bytes.toByteArray();
        switch (codec) {
          case UNCOMPRESSED:
            return BytesInput.from(in);
          case SNAPPY:
            return BytesInput.from(Snappy.compress(in));
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
        return BytesInput.from(decompressed(bytes.toByteArray(), uncompressedSize));
      }

      @Override
      public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output,
          int uncompressedSize) throws IOException {
        byte[] in = new byte[compressedSize];
        input.get(in);
        output.put(decompressed(in, uncompressedSize));
      }

      private byte[] decompressed(byte[] in, int size) throws IOException {
        if (size < 0 || size > ParquetTableReader.MAX_PAGE_BYTES) {
          throw new IOException("a page claims " + size + " bytes (more than "
              + ParquetTableReader.MAX_PAGE_BYTES + " is taken as a corrupt file)");
        }
        byte[] out;
        switch (codec) {
          case UNCOMPRESSED:
            out = in;
            break;
          case SNAPPY:
            if (Snappy.uncompressedLength(in) != size) {
              throw new IOException("a Snappy page holds " + Snappy.uncompressedLength(in)
                  + " bytes but its header says " + size);
            }
            out = Snappy.uncompress(in);
            break;
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
