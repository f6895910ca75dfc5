package io.github.multiref.rewards.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.multiref.api.Stability;
import io.github.multiref.rewards.PreferenceData;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * Reads and writes preference pairs as JSONL, one pair per line, streaming: lines are parsed one
 * at a time, so a file of any length is read with memory bounded by what the caller keeps.
 * Malformed lines stop the reading with their line number and field.
 */
@Stability(Stability.Status.EXPERIMENTAL)
public final class PreferencePairs {

  private PreferencePairs() {}

  /** The pairs of a JSONL reader, lazily; blank lines are skipped. */
  public static Iterator<PreferencePair> read(BufferedReader in) {
    return new Iterator<>() {
      private long line;
      private PreferencePair next;

      @Override
      public boolean hasNext() {
        if (next != null) {
          return true;
        }
        try {
          for (String text = in.readLine(); text != null; text = in.readLine()) {
            line++;
            if (!text.isBlank()) {
              next = parse(line, text);
              return true;
            }
          }
          return false;
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public PreferencePair next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        PreferencePair p = next;
        next = null;
        return p;
      }
    };
  }

  /** Parses one line. */
  public static PreferencePair parse(long line, String text) {
    JsonLine f = JsonLine.parse(line, text);
    String prompt = f.string("prompt");
    String chosen = f.string("chosen");
    String rejected = f.string("rejected");
    Double cl = f.has("chosen_logps") ? f.finiteNumber("chosen_logps") : null;
    Double rl = f.has("rejected_logps") ? f.finiteNumber("rejected_logps") : null;
    double[] rc = null;
    double[] rr = null;
    if (f.has("ref_chosen_logps") || f.has("ref_rejected_logps")) {
      rc = f.finiteNumbers("ref_chosen_logps");
      rr = f.finiteNumbers("ref_rejected_logps", rc.length, "ref_chosen_logps");
    }
    return new PreferencePair(prompt, chosen, rejected, cl, rl, rc, rr);
  }

  /** Writes one pair as a JSON line. */
  public static void write(PreferencePair p, Writer out) throws IOException {
    ObjectNode o = JsonLine.MAPPER.createObjectNode();
    o.put("prompt", p.prompt());
    o.put("chosen", p.chosen());
    o.put("rejected", p.rejected());
    if (p.chosenLogps() != null) {
      o.put("chosen_logps", p.chosenLogps());
    }
    if (p.rejectedLogps() != null) {
      o.put("rejected_logps", p.rejectedLogps());
    }
    if (p.refChosenLogps() != null) {
      ArrayNode a = o.putArray("ref_chosen_logps");
      for (double v : p.refChosenLogps()) {
        a.add(v);
      }
      ArrayNode b = o.putArray("ref_rejected_logps");
      for (double v : p.refRejectedLogps()) {
        b.add(v);
      }
    }
    try {
      out.write(JsonLine.MAPPER.writeValueAsString(o));
    } catch (JsonProcessingException e) {
      throw new IOException(e);
    }
    out.write('\n');
  }

  /**
   * Preference data from pairs: prompts and, per prompt, responses are numbered in order of first
   * appearance. Only integers are kept per pair.
   *
   * @throws IllegalArgumentException for a pair whose chosen and rejected responses are the same
   */
  public static PreferenceData toData(Iterator<PreferencePair> pairs) {
    Map<String, Integer> promptIndex = new HashMap<>();
    List<String> prompts = new ArrayList<>();
    List<Map<String, Integer>> responseIndex = new ArrayList<>();
    List<List<String>> responses = new ArrayList<>();
    int[] flat = new int[48];
    int size = 0;
    long number = 0;
    while (pairs.hasNext()) {
      PreferencePair p = pairs.next();
      number++;
      Integer x = promptIndex.get(p.prompt());
      if (x == null) {
        x = prompts.size();
        promptIndex.put(p.prompt(), x);
        prompts.add(p.prompt());
        responseIndex.add(new HashMap<>());
        responses.add(new ArrayList<>());
      }
      if (p.chosen().equals(p.rejected())) {
        throw new IllegalArgumentException("pair " + number + ": chosen and rejected are the"
            + " same response '" + p.chosen() + "'");
      }
      int w = index(responseIndex.get(x), responses.get(x), p.chosen());
      int l = index(responseIndex.get(x), responses.get(x), p.rejected());
      if (size + 3 > flat.length) {
        flat = java.util.Arrays.copyOf(flat, 2 * flat.length);
      }
      flat[size++] = x;
      flat[size++] = w;
      flat[size++] = l;
    }
    PreferenceData.Builder builder = new PreferenceData.Builder(prompts, responses);
    for (int i = 0; i < size; i += 3) {
      builder.add(flat[i], flat[i + 1], flat[i + 2]);
    }
    return builder.build();
  }

  private static int index(Map<String, Integer> map, List<String> list, String response) {
    Integer y = map.get(response);
    if (y == null) {
      y = list.size();
      map.put(response, y);
      list.add(response);
    }
    return y;
  }
}
