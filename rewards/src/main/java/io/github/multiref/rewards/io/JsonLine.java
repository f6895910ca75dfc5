package io.github.multiref.rewards.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.core.io.NumberOutput;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.multiref.api.Stability;
import java.util.ArrayList;
import java.util.List;

/**
 * One JSON object of a JSONL file and its fields, with errors that name the line, the field, the
 * value and what was expected ({@link IllegalArgumentException}, message {@code line N: ...}).
 * {@code NaN} and {@code Infinity} tokens are accepted by the parser (Python's json module writes
 * them) so that they can be reported or used precisely.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class JsonLine {

  /**
   * The mapper for reading and writing lines; writes -inf as the bare token -Infinity. Numbers are
   * read by Jackson's FastDoubleParser and written by its Schubfach writer: both exact (correctly
   * rounded, shortest round-trip text), and several times faster than the JDK 17 conversions.
   */
  public static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
      .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
      .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
      .enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER)
      .build();

  /** Reads a line as a tree; made once, so the tree type is not looked up again per line. */
  private static final ObjectReader TREE = MAPPER.readerFor(JsonNode.class);

  /** A string as JSON text, quoted and escaped as {@link #MAPPER} writes it. */
  public static String quoted(String text) {
    return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + '"';
  }

  /** A double as JSON text, as {@link #MAPPER} writes it ({@code -Infinity} for -inf). */
  public static String number(double value) {
    return NumberOutput.toString(value, true);
  }

  private final long line;
  private final JsonNode node;

  private JsonLine(long line, JsonNode node) {
    this.line = line;
    this.node = node;
  }

  /** Parses a line that must hold one JSON object. */
  public static JsonLine parse(long line, String text) {
    JsonNode node;
    try {
      node = TREE.readTree(text);
    } catch (JsonProcessingException e) {
      String column = e.getLocation() == null ? "" : ", column " + e.getLocation().getColumnNr();
      throw new IllegalArgumentException("line " + line + column + ": malformed JSON: "
          + problem(e));
    }
    if (node == null || !node.isObject()) {
      throw at(line, "expected a JSON object, got "
          + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
    }
    return new JsonLine(line, node);
  }

  public long line() {
    return line;
  }

  private JsonNode required(String field) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      throw at(line, "missing field '" + field + "'");
    }
    return v;
  }

  public String string(String field) {
    JsonNode v = required(field);
    if (!v.isTextual()) {
      throw at(line, "field '" + field + "' must be a string, got " + v);
    }
    return v.asText();
  }

  public String[] strings(String field) {
    JsonNode v = array(field);
    String[] out = new String[v.size()];
    for (int i = 0; i < out.length; i++) {
      if (!v.get(i).isTextual()) {
        throw at(line, "field '" + field + "[" + i + "]' must be a string, got "
            + v.get(i));
      }
      out[i] = v.get(i).asText();
    }
    return out;
  }

  private JsonNode array(String field) {
    JsonNode v = required(field);
    if (!v.isArray()) {
      throw at(line, "field '" + field + "' must be an array, got " + v);
    }
    return v;
  }

  /** An array of finite numbers with the given length. */
  public double[] finiteNumbers(String field, int length, String lengthOf) {
    return numbers(array(field), field, length, lengthOf, false);
  }

  /** A non-empty array of finite numbers, of any length. */
  public double[] finiteNumbers(String field) {
    JsonNode v = array(field);
    if (v.isEmpty()) {
      throw at(line, "field '" + field + "' must not be empty");
    }
    return numbers(v, field, v.size(), field, false);
  }

  /**
   * An array of any length (empty included) of finite numbers and {@code -Infinity}, as a
   * solver's log-probabilities are written (zero mass is {@code -Infinity}).
   */
  public double[] finiteOrNegativeInfinityNumbers(String field) {
    JsonNode v = array(field);
    return numbers(v, field, v.size(), field, true);
  }

  /** The names of the line's fields, in the order they appear. */
  public List<String> fields() {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A number that must be present and finite. */
  public double finiteNumber(String field) {
    JsonNode v = required(field);
    if (!v.isNumber()) {
      throw at(line, "field '" + field + "' must be a number, got " + v);
    }
    double d = v.asDouble();
    if (!Double.isFinite(d)) {
      throw at(line, "field '" + field + "' is " + d
          + "; expected a finite number");
    }
    return d;
  }

  /**
   * An array of K arrays of log-probabilities, each with the given length; {@code -Infinity}
   * (zero mass) is allowed, NaN and {@code +Infinity} are not.
   */
  public double[][] logProbabilityArrays(String field, int length, String lengthOf) {
    JsonNode v = array(field);
    if (v.isEmpty()) {
      throw at(line, "field '" + field + "' must hold at least one reference");
    }
    double[][] out = new double[v.size()][];
    for (int k = 0; k < out.length; k++) {
      String name = field + "[" + k + "]";
      if (!v.get(k).isArray()) {
        throw at(line, "field '" + name + "' must be an array, got " + v.get(k));
      }
      out[k] = numbers(v.get(k), name, length, lengthOf, true);
    }
    return out;
  }

  private double[] numbers(JsonNode v, String field, int length, String lengthOf,
      boolean allowNegativeInfinity) {
    if (v.size() != length) {
      throw at(line, "field '" + field + "' has " + v.size()
          + " entries but '" + lengthOf + "' has " + length);
    }
    double[] out = new double[length];
    for (int i = 0; i < length; i++) {
      JsonNode e = v.get(i);
      if (!e.isNumber()) {
        throw at(line, "field '" + field + "[" + i + "]' must be a number, got "
            + e);
      }
      double d = e.asDouble();
      boolean ok = Double.isFinite(d) || (allowNegativeInfinity && d == Double.NEGATIVE_INFINITY);
      if (!ok) {
        throw at(line, "field '" + field + "[" + i + "]' is " + d + "; expected a"
            + (allowNegativeInfinity ? " finite number or -Infinity" : " finite number"));
      }
      out[i] = d;
    }
    return out;
  }

  /**
   * How far above 0 a log-probability may be and still be taken as rounding (a sum of token
   * log-probabilities can land a few ulps above 0); anything larger is refused.
   */
  public static final double LOG_PROBABILITY_SLACK = 1e-12;

  /** A sequence log-probability: a finite number at most {@link #LOG_PROBABILITY_SLACK}. */
  public double logProbability(String field) {
    return checkedLogProbability(field, finiteNumber(field));
  }

  /**
   * K sequence log-probabilities, one per reference: an array of finite numbers at most {@link
   * #LOG_PROBABILITY_SLACK}, or a single number for one reference (as TRL writes {@code
   * ref_chosen_logps}).
   *
   * @param length the required K, or -1 for any K >= 1
   */
  public double[] logProbabilities(String field, int length, String lengthOf) {
    JsonNode v = required(field);
    double[] out;
    if (v.isNumber()) {
      out = new double[] {finiteNumber(field)};
      if (length >= 0 && length != 1) {
        throw at(line, "field '" + field + "' is one number (one reference) but '" + lengthOf
            + "' has " + length);
      }
    } else {
      JsonNode a = array(field);
      if (a.isEmpty()) {
        throw at(line, "field '" + field + "' must not be empty");
      }
      out = numbers(a, field, length < 0 ? a.size() : length, lengthOf, false);
    }
    for (int i = 0; i < out.length; i++) {
      checkedLogProbability(out.length == 1 && v.isNumber() ? field : field + "[" + i + "]",
          out[i]);
    }
    return out;
  }

  /**
   * As {@link #logProbabilityArrays(String, int, String)}, and every entry at most {@link
   * #LOG_PROBABILITY_SLACK}: sequence log-probabilities of a model are never positive.
   */
  public double[][] sequenceLogProbabilityArrays(String field, int length, String lengthOf) {
    double[][] out = logProbabilityArrays(field, length, lengthOf);
    for (int k = 0; k < out.length; k++) {
      for (int i = 0; i < out[k].length; i++) {
        checkedLogProbability(field + "[" + k + "][" + i + "]", out[k][i]);
      }
    }
    return out;
  }

  private double checkedLogProbability(String field, double value) {
    if (value > LOG_PROBABILITY_SLACK) {
      throw at(line, "field '" + field + "' is " + value + "; a log-probability must be <= 0"
          + " (up to " + LOG_PROBABILITY_SLACK + " above 0 is taken as rounding)");
    }
    return value;
  }

  /** The field's value as JSON text (of any type), or null when it is absent. */
  public String json(String field) {
    JsonNode v = node.get(field);
    if (v == null) {
      return null;
    }
    if (v.isTextual()) { // the common case (prompts, responses)
      return quoted(v.textValue());
    }
    try {
      return MAPPER.writeValueAsString(v);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write back a parsed value", e);
    }
  }

  /** Whether the field is present and not null. */
  public boolean has(String field) {
    JsonNode v = node.get(field);
    return v != null && !v.isNull();
  }

  /**
   * Jackson's description of a parse error on one line: its original message without the
   * appended source location and the internal note on where an unclosed object started.
   */
  public static String problem(JsonProcessingException e) {
    return e.getOriginalMessage().replaceAll("\\s*\\(start marker at \\[Source:.*$", "")
        .replace('\n', ' ');
  }

  private static IllegalArgumentException at(long line, String message) {
    return new IllegalArgumentException("line " + line + ": " + message);
  }
}
