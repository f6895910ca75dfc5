package io.github.multiref.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.multiref.rewards.io.JsonLine;
import java.io.IOException;
import java.util.Arrays;

/**
 * The fast path of {@code dpo-score}'s reader: one pass of Jackson's streaming parser over a line,
 * no tree, taking the four log-probability fields and the key columns. It accepts only lines it is
 * sure of (every required field once, finite numbers at most {@link
 * JsonLine#LOG_PROBABILITY_SLACK}, the two reference lists of one length, string keys) and gives
 * exactly what {@link JsonLine} gives for them; for anything else {@link #read} returns false and
 * the caller reads the line through {@link JsonLine}, whose checks name the field and the value.
 * One instance per reading thread; its arrays are reused from line to line.
 */
final class PairLine {

  private static final JsonFactory FACTORY = JsonLine.MAPPER.getFactory();
  /** The input's key columns, copied to dpo-score's output so nothing is joined by line number. */
  static final String[] KEYS = {"prompt", "chosen", "rejected"};

  double chosen;
  double rejected;
  double[] refChosen = new double[4];
  double[] refRejected = new double[4];
  int references;
  /** {@code "prompt":...,"chosen":...,"rejected":...,} for the keys the line has. */
  final StringBuilder keys = new StringBuilder();

  /** The JSON text of each of {@link #KEYS}, null where the line has none. */
  final String[] keyText = new String[KEYS.length];

  /**
   * Reads a line of UTF-8 bytes (checked to be UTF-8 by the caller); false when it must go
   * through {@link JsonLine} instead.
   */
  boolean read(byte[] bytes, int from, int length) {
    if (scan(bytes, from, from + length)) {
      return true; // the plain lines every writer of this shape writes, without a parser
    }
    return parsed(bytes, from, length);
  }

  /** {@link #read} through Jackson's streaming parser alone. */
  boolean parsed(byte[] bytes, int from, int length) {
    try (JsonParser p = FACTORY.createParser(bytes, from, length)) {
      return parse(p);
    } catch (IOException | RuntimeException e) {
      return false; // malformed: JsonLine says where
    }
  }

  // ---- the scanner: one pass over the bytes for the plainest lines, Jackson for the rest ----

  /** Where the scanner is in the line it scans. */
  private int at;
  private char[] digits = new char[32];

  /**
   * Reads the line if it is in the plainest form of a pair: one object whose fields are the four
   * log-probability fields (numbers in JSON's grammar, the references as a number or an array of
   * them) and the string keys (no escapes), each once, nothing else; false for anything else
   * (which {@link #parse} then reads, or refuses). What it takes it reads exactly as the parser
   * would: the same doubles, bit for bit, and the keys' JSON text as {@link JsonLine#quoted}
   * writes them.
   */
  boolean scan(byte[] b, int from, int end) {
    at = from;
    if (!skipSpace(b, end) || b[at++] != '{') {
      return false;
    }
    boolean seenChosen = false;
    boolean seenRejected = false;
    int chosenRefs = -1;
    int rejectedRefs = -1;
    Arrays.fill(keyText, null);
    while (true) {
      if (!skipSpace(b, end) || b[at] != '"') {
        return false;
      }
      int field = field(b, end);
      if (field < 0 || !skipSpace(b, end) || b[at++] != ':' || !skipSpace(b, end)) {
        return false;
      }
      switch (field) {
        case 0, 1, 2 -> {
          if (keyText[field] != null || b[at] != '"') {
            return false;
          }
          int start = at;
          if (!plainString(b, end)) {
            return false;
          }
          keyText[field] = new String(b, start, at - start, java.nio.charset.StandardCharsets.UTF_8);
        }
        case 3, 4 -> {
          if ((field == 3 ? seenChosen : seenRejected)) {
            return false;
          }
          double v = number(b, end);
          if (!isLogProbability(v)) { // NaN when it is not a plain number
            return false;
          }
          if (field == 3) {
            chosen = v;
            seenChosen = true;
          } else {
            rejected = v;
            seenRejected = true;
          }
        }
        default -> {
          boolean chosenSide = field == 5;
          if ((chosenSide ? chosenRefs : rejectedRefs) >= 0) {
            return false;
          }
          int n = scannedReferences(b, end, chosenSide);
          if (n < 1) {
            return false;
          }
          if (chosenSide) {
            chosenRefs = n;
          } else {
            rejectedRefs = n;
          }
        }
      }
      if (!skipSpace(b, end)) {
        return false;
      }
      byte c = b[at++];
      if (c == '}') {
        break;
      }
      if (c != ',') {
        return false;
      }
    }
    skipSpace(b, end);
    return finish(at == end, seenChosen && seenRejected, chosenRefs, rejectedRefs);
  }

  /**
   * Whether the line read is a whole pair (it ended where it should, had both numbers, and the
   * same K >= 1 references on both sides); if it is, its K and its keys' text are set.
   */
  private boolean finish(boolean ended, boolean bothNumbers, int chosenRefs, int rejectedRefs) {
    if (!ended || !bothNumbers || chosenRefs < 1 || rejectedRefs != chosenRefs) {
      return false;
    }
    references = chosenRefs;
    keys.setLength(0);
    for (int k = 0; k < KEYS.length; k++) {
      if (keyText[k] != null) {
        keys.append('"').append(KEYS[k]).append("\":").append(keyText[k]).append(',');
      }
    }
    return true;
  }

  /** Skips JSON whitespace; false at the end of the line. */
  private boolean skipSpace(byte[] b, int end) {
    while (at < end && (b[at] == ' ' || b[at] == '\t' || b[at] == '\n' || b[at] == '\r')) {
      at++;
    }
    return at < end;
  }

  private static final byte[][] FIELDS = {
      "prompt".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
      "chosen".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
      "rejected".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
      "chosen_logps".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
      "rejected_logps".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
      "ref_chosen_logps".getBytes(java.nio.charset.StandardCharsets.US_ASCII),
      "ref_rejected_logps".getBytes(java.nio.charset.StandardCharsets.US_ASCII)};

  /** The field name at {@code at} (a quote): its index in {@link #FIELDS}, or -1. */
  private int field(byte[] b, int end) {
    int start = at + 1;
    int close = start;
    while (close < end && b[close] != '"') {
      if (b[close] == '\\') {
        return -1;
      }
      close++;
    }
    if (close >= end) {
      return -1;
    }
    at = close + 1;
    for (int f = 0; f < FIELDS.length; f++) {
      if (Arrays.equals(b, start, close, FIELDS[f], 0, FIELDS[f].length)) {
        return f;
      }
    }
    return -1;
  }

  /** A string at {@code at} without escapes or control characters; moves past it. */
  private boolean plainString(byte[] b, int end) {
    for (int i = at + 1; i < end; i++) {
      byte c = b[i];
      if (c == '"') {
        at = i + 1;
        return true;
      }
      if (c == '\\' || (c >= 0 && c < 0x20)) {
        return false;
      }
    }
    return false;
  }

  /**
   * A number in JSON's grammar at {@code at}, as Jackson reads it (an integer of up to 18 digits
   * as the long it is, so -0 is 0.0; anything else correctly rounded); NaN when it is not one.
   */
  private double number(byte[] b, int end) {
    int start = at;
    int i = at;
    if (i < end && b[i] == '-') {
      i++;
    }
    int intStart = i;
    if (i < end && b[i] == '0') {
      i++;
    } else {
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
    }
    int intDigits = i - intStart;
    if (intDigits == 0) {
      return Double.NaN;
    }
    boolean integer = true;
    if (i < end && b[i] == '.') {
      integer = false;
      int f = ++i;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == f) {
        return Double.NaN;
      }
    }
    if (i < end && (b[i] == 'e' || b[i] == 'E')) {
      integer = false;
      i++;
      if (i < end && (b[i] == '+' || b[i] == '-')) {
        i++;
      }
      int e = i;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      if (i == e) {
        return Double.NaN;
      }
    }
    if (i < end && b[i] != ',' && b[i] != ']' && b[i] != '}' && b[i] != ' ' && b[i] != '\t'
        && b[i] != '\r' && b[i] != '\n') {
      return Double.NaN; // "1x", "1-2": not a number that ends here
    }
    at = i;
    if (integer) {
      if (intDigits > 18) {
        return Double.NaN; // Jackson's BigInteger path: left to it
      }
      long v = 0;
      for (int d = intStart; d < i; d++) {
        v = v * 10 + (b[d] - '0');
      }
      return b[start] == '-' ? (double) -v : (double) v;
    }
    int length = i - start;
    if (digits.length < length) {
      digits = new char[2 * length];
    }
    for (int d = 0; d < length; d++) {
      digits[d] = (char) b[start + d];
    }
    return com.fasterxml.jackson.core.io.NumberInput.parseDouble(digits, 0, length, true);
  }

  /** The references at {@code at}: a number or an array of them, each a log-probability. */
  private int scannedReferences(byte[] b, int end, boolean chosenSide) {
    if (b[at] != '[') {
      double d = number(b, end);
      if (!isLogProbability(d)) {
        return -1;
      }
      store(chosenSide, 0, d);
      return 1;
    }
    at++;
    int n = 0;
    while (true) {
      if (!skipSpace(b, end)) {
        return -1;
      }
      double d = number(b, end);
      if (!isLogProbability(d)) {
        return -1;
      }
      store(chosenSide, n++, d);
      if (!skipSpace(b, end)) {
        return -1;
      }
      byte c = b[at++];
      if (c == ']') {
        return n;
      }
      if (c != ',') {
        return -1;
      }
    }
  }

  private boolean parse(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return false;
    }
    boolean seenChosen = false;
    boolean seenRejected = false;
    int chosenRefs = -1;
    int rejectedRefs = -1;
    Arrays.fill(keyText, null);
    for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
      if (t != JsonToken.FIELD_NAME) {
        return false;
      }
      String name = p.currentName();
      JsonToken v = p.nextToken();
      switch (name) {
        case "chosen_logps":
          if (seenChosen || !isNumber(v) || !isLogProbability(chosen = p.getDoubleValue())) {
            return false;
          }
          seenChosen = true;
          break;
        case "rejected_logps":
          if (seenRejected || !isNumber(v) || !isLogProbability(rejected = p.getDoubleValue())) {
            return false;
          }
          seenRejected = true;
          break;
        case "ref_chosen_logps":
          if (chosenRefs >= 0 || (chosenRefs = references(p, v, true)) < 0) {
            return false;
          }
          break;
        case "ref_rejected_logps":
          if (rejectedRefs >= 0 || (rejectedRefs = references(p, v, false)) < 0) {
            return false;
          }
          break;
        case "prompt":
        case "chosen":
        case "rejected": {
          int k = name.equals("prompt") ? 0 : name.equals("chosen") ? 1 : 2;
          if (keyText[k] != null || v != JsonToken.VALUE_STRING) {
            return false;
          }
          keyText[k] = JsonLine.quoted(p.getText());
          break;
        }
        default:
          p.skipChildren();
      }
    }
    return finish(p.nextToken() == null, seenChosen && seenRejected, chosenRefs, rejectedRefs);
  }

  /** One number or a non-empty array of numbers, each a log-probability; -1 if not. */
  private int references(JsonParser p, JsonToken v, boolean chosenSide) throws IOException {
    if (isNumber(v)) {
      double d = p.getDoubleValue();
      if (!isLogProbability(d)) {
        return -1;
      }
      store(chosenSide, 0, d);
      return 1;
    }
    if (v != JsonToken.START_ARRAY) {
      return -1;
    }
    int n = 0;
    for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
      if (!isNumber(e)) {
        return -1;
      }
      double d = p.getDoubleValue();
      if (!isLogProbability(d)) {
        return -1;
      }
      store(chosenSide, n++, d);
    }
    return n == 0 ? -1 : n;
  }

  private void store(boolean chosenSide, int i, double d) {
    double[] a = chosenSide ? refChosen : refRejected;
    if (i == a.length) {
      a = Arrays.copyOf(a, 2 * a.length);
      if (chosenSide) {
        refChosen = a;
      } else {
        refRejected = a;
      }
    }
    a[i] = d;
  }

  private static boolean isNumber(JsonToken t) {
    return t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
  }

  private static boolean isLogProbability(double d) {
    return Double.isFinite(d) && d <= JsonLine.LOG_PROBABILITY_SLACK;
  }
}
