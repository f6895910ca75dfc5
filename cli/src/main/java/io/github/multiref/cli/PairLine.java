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
    try (JsonParser p = FACTORY.createParser(bytes, from, length)) {
      return parse(p);
    } catch (IOException | RuntimeException e) {
      return false; // malformed: JsonLine says where
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
    if (p.nextToken() != null || !seenChosen || !seenRejected || chosenRefs < 1
        || rejectedRefs != chosenRefs) {
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
