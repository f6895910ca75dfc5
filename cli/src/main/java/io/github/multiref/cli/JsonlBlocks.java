package io.github.multiref.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A JSONL input read in blocks of whole lines, each block handed to a worker and the workers'
 * results taken back in input order: parsing runs on every core while one thread reads and one
 * consumes. Lines end as {@link java.io.BufferedReader#readLine} ends them (line feed, carriage
 * return, or both), are numbered from 1 over the whole input, and must be UTF-8 (checked on the
 * worker, with the line named). At most {@code 2 workers + 1} blocks are in memory at once, so
 * memory stays bounded whatever the input's size; a line longer than a block grows its block.
 */
final class JsonlBlocks {

  /** Bytes read per block, before it is cut after its last line. */
  static final int BLOCK_BYTES = 1 << 20;

  /** Eight bytes of an array as one little-endian long, for scanning a word at a time. */
  private static final java.lang.invoke.VarHandle LONGS = java.lang.invoke.MethodHandles
      .byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;
  private static final long LINE_FEEDS = 0x0A0A0A0A0A0A0A0AL;
  private static final long RETURNS = 0x0D0D0D0D0D0D0D0DL;

  /**
   * The index of the first line feed or carriage return in {@code bytes[from, to)}, or to; eight
   * bytes at a time (a byte of {@code w ^ pattern} is zero where w has the pattern's byte, and the
   * lowest flagged byte of the usual zero-byte test is always a true one).
   */
  static int nextLineEnd(byte[] bytes, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) {
      long w = (long) LONGS.get(bytes, i);
      long x = w ^ LINE_FEEDS;
      long y = w ^ RETURNS;
      long found = ((x - ONES) & ~x | (y - ONES) & ~y) & HIGH_BITS;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (bytes[i] == '\n' || bytes[i] == '\r') {
        return i;
      }
    }
    return to;
  }

  /** The longest line read: beyond it a file is refused rather than read into memory whole. */
  static final int MAX_LINE_BYTES = 1 << 28;

  /** The refusal of a line longer than {@link #MAX_LINE_BYTES}. */
  static InputException tooLong(long line) {
    return InputException.at(line, "is longer than " + (MAX_LINE_BYTES >> 20) + " MB; a JSONL"
        + " line holds one record");
  }

  /** One block: {@code lines} whole lines, the first of them line {@code firstLine}. */
  record Block(byte[] bytes, int length, long firstLine, int lines) {

    /** Calls the visitor for each line (without its terminator), blank lines included. */
    void forEachLine(LineVisitor visitor) {
      long number = firstLine;
      int start = 0;
      int i = 0;
      while (i < length) {
        i = nextLineEnd(bytes, i, length);
        if (i == length) {
          break;
        }
        byte b = bytes[i];
        visitor.line(number++, bytes, start, i);
        i += b == '\r' && i + 1 < length && bytes[i + 1] == '\n' ? 2 : 1;
        start = i;
      }
      if (start < length) {
        visitor.line(number, bytes, start, length);
      }
    }
  }

  /** What a worker does with each line of its block. */
  @FunctionalInterface
  interface LineVisitor {
    /** Line {@code number} is {@code bytes[from..to)}. */
    void line(long number, byte[] bytes, int from, int to);
  }

  /** What the consuming thread does with each block's result, in input order. */
  @FunctionalInterface
  interface Consumer<R> {
    void accept(R result) throws IOException;
  }

  private JsonlBlocks() {}

  /** The bytes of a file, or of standard input for {@code -}. */
  static InputStream open(String input) throws IOException {
    if (input.equals("-")) {
      return System.in;
    }
    try {
      return Files.newInputStream(Path.of(input));
    } catch (NoSuchFileException e) {
      throw new InputException("input file " + input + " does not exist");
    }
  }

  /**
   * Reads the input to its end, {@code work} on each block on one of {@code workers} threads,
   * {@code consumer} on each result on this thread, in order. The first failure in input order
   * (of a worker or of the consumer) is thrown, after the workers have stopped.
   */
  static <R> void run(InputStream in, int workers, java.util.function.Function<Block, R> work,
      Consumer<R> consumer) throws IOException {
    ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
      Thread t = new Thread(r, "multiref-jsonl");
      t.setDaemon(true);
      return t;
    });
    ArrayDeque<Future<R>> ahead = new ArrayDeque<>();
    try {
      byte[] carry = new byte[0];
      int carried = 0;
      long line = 1;
      boolean end = false;
      while (!end || carried > 0) {
        byte[] buffer = new byte[Math.max(BLOCK_BYTES, 2 * carried)];
        System.arraycopy(carry, 0, buffer, 0, carried);
        int filled = carried;
        while (filled < buffer.length && !end) {
          int n = in.read(buffer, filled, buffer.length - filled);
          if (n < 0) {
            end = true;
          } else {
            filled += n;
          }
        }
        int cut = end ? filled : lastLineEnd(buffer, filled);
        if (cut == 0) { // one line longer than the buffer: read on into a larger one
          if (filled > MAX_LINE_BYTES) {
            throw tooLong(line);
          }
          carry = buffer;
          carried = filled;
          continue;
        }
        int count = lines(buffer, cut) + (end && cut > 0 && !endsLine(buffer, cut) ? 1 : 0);
        Block block = new Block(buffer, cut, line, count);
        line += count;
        carried = filled - cut;
        carry = new byte[carried];
        System.arraycopy(buffer, cut, carry, 0, carried);
        ahead.add(pool.submit(() -> work.apply(block)));
        while (ahead.size() > 2 * workers) {
          consumer.accept(next(ahead));
        }
        if (end && carried == 0) {
          break;
        }
      }
      while (!ahead.isEmpty()) {
        consumer.accept(next(ahead));
      }
    } finally {
      for (Future<R> f : ahead) {
        f.cancel(true);
      }
      pool.shutdownNow();
    }
  }

  /** What a worker made of one block: its items in order, then the first failure, if any. */
  record Items<T>(java.util.List<T> items, RuntimeException failure) {}

  /**
   * The items of every block, in input order, pulled by the caller while a thread of its own reads
   * ahead ({@link #run} on {@code workers} workers, at most four blocks of items waiting). A
   * block's failure is thrown after the items before it. Close it to stop reading early.
   */
  static <T> Pull<T> pull(InputStream in, int workers,
      java.util.function.Function<Block, Items<T>> parse) {
    return new Pull<>(in, workers, parse);
  }

  /** See {@link #pull}. */
  static final class Pull<T> implements java.util.Iterator<T>, AutoCloseable {
    private static final Object END = new Object();
    private final java.util.concurrent.BlockingQueue<Object> queue =
        new java.util.concurrent.ArrayBlockingQueue<>(4);
    private final Thread reader;
    private java.util.Iterator<T> current = java.util.Collections.emptyIterator();
    private RuntimeException pending;
    private boolean done;

    private Pull(InputStream in, int workers, java.util.function.Function<Block, Items<T>> parse) {
      reader = new Thread(() -> {
        Object last = END;
        try {
          run(in, workers, parse, items -> put(items));
        } catch (RuntimeException | IOException | Error e) {
          last = e;
        }
        if (!closed) {
          put(last);
        }
      }, "multiref-jsonl-reader");
      reader.setDaemon(true);
      reader.start();
    }

    private volatile boolean closed;

    private void put(Object o) {
      try {
        queue.put(o);
      } catch (InterruptedException e) {
        closed = true;
        throw new IllegalStateException("closed", e); // the consumer stopped early
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public boolean hasNext() {
      while (!current.hasNext()) {
        if (pending != null) {
          RuntimeException e = pending;
          pending = null;
          done = true;
          throw e;
        }
        if (done) {
          return false;
        }
        Object next;
        try {
          next = queue.take();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted", e);
        }
        if (next == END) {
          done = true;
        } else if (next instanceof Items<?> items) {
          current = ((Items<T>) items).items().iterator();
          pending = items.failure();
        } else if (next instanceof RuntimeException e) {
          done = true;
          throw e;
        } else if (next instanceof IOException e) {
          done = true;
          throw new java.io.UncheckedIOException(e);
        } else {
          done = true;
          throw (Error) next;
        }
      }
      return true;
    }

    @Override
    public T next() {
      if (!hasNext()) {
        throw new java.util.NoSuchElementException();
      }
      return current.next();
    }

    @Override
    public void close() {
      closed = true;
      reader.interrupt();
    }
  }

  private static <R> R next(ArrayDeque<Future<R>> ahead) {
    return await(ahead.poll());
  }

  /** A task's result; its exception as thrown, unchecked ones unwrapped. */
  static <R> R await(Future<R> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      if (e.getCause() instanceof Error er) {
        throw er;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Where the last whole line of {@code buffer[0..filled)} ends (after its terminator), or 0 when
   * there is none. A carriage return at the very end is left for the next block, which may start
   * with its line feed.
   */
  private static int lastLineEnd(byte[] buffer, int filled) {
    for (int i = filled - 1; i >= 0; i--) {
      byte b = buffer[i];
      if (b == '\n' || (b == '\r' && i < filled - 1)) {
        return i + 1;
      }
    }
    return 0;
  }

  /** The number of line terminators in {@code buffer[0..length)} ({@code \r\n} counts once). */
  private static int lines(byte[] buffer, int length) {
    int n = 0;
    for (int i = nextLineEnd(buffer, 0, length); i < length;
        i = nextLineEnd(buffer, i + 1, length)) {
      n++;
      if (buffer[i] == '\r' && i + 1 < length && buffer[i + 1] == '\n') {
        i++;
      }
    }
    return n;
  }

  private static boolean endsLine(byte[] buffer, int length) {
    return buffer[length - 1] == '\n' || buffer[length - 1] == '\r';
  }

  /**
   * Line {@code number} as text, refused with its number when its bytes are not UTF-8: a pass
   * over the bytes for ASCII, the strict decoder only where there are others.
   */
  static String text(long number, byte[] bytes, int from, int to) {
    boolean ascii = true;
    for (int i = from; i < to; i++) {
      ascii &= bytes[i] >= 0;
    }
    if (ascii) {
      return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
    } catch (CharacterCodingException e) {
      throw InputException.at(number, "holds bytes that are not UTF-8 text; JSONL is UTF-8");
    }
  }

  /**
   * Whether the line is blank as {@link String#isBlank} says for ASCII (spaces, tab to carriage
   * return, and the four separators 0x1C to 0x1F); a line with other bytes is not, here.
   */
  static boolean blank(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      byte b = bytes[i];
      if (!(b == ' ' || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F))) {
        return false;
      }
    }
    return true;
  }

  /** Whether the line's bytes are UTF-8 (ASCII checked fast, the rest by the strict decoder). */
  static void checkUtf8(long number, byte[] bytes, int from, int to) {
    int i = from;
    for (; i + 8 <= to; i += 8) { // ASCII eight bytes at a time: no byte with its top bit set
      if (((long) LONGS.get(bytes, i) & HIGH_BITS) != 0) {
        break;
      }
    }
    for (; i < to; i++) {
      if (bytes[i] < 0) {
        text(number, bytes, i, to);
        return;
      }
    }
  }
}
