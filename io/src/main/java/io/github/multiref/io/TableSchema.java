package io.github.multiref.io;

import io.github.multiref.api.Stability;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/** The columns of a table multiref writes, in order: names, kinds, and which may be null. */
@Stability(Stability.Status.EXPERIMENTAL)
public final class TableSchema {

  /** What one column holds. */
  @Stability(Stability.Status.EXPERIMENTAL)
  public enum Kind {
    STRING, DOUBLE, LONG, BOOLEAN, DOUBLE_LIST, STRING_LIST, DOUBLE_LIST_LIST
  }

  /**
   * One column.
   *
   * @param name its name
   * @param kind what it holds
   * @param nullable whether a row may leave it out
   */
  @Stability(Stability.Status.EXPERIMENTAL)
  public record Column(String name, Kind kind, boolean nullable) {
    public Column {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(kind, "kind");
    }
  }

  private final List<Column> columns;

  private TableSchema(List<Column> columns) {
    this.columns = List.copyOf(columns);
  }

  /** A schema of these columns, which must have distinct names. */
  public static TableSchema of(List<Column> columns) {
    for (int i = 0; i < columns.size(); i++) {
      for (int j = 0; j < i; j++) {
        if (columns.get(i).name().equals(columns.get(j).name())) {
          throw new IllegalArgumentException("column '" + columns.get(i).name() + "' twice");
        }
      }
    }
    return new TableSchema(columns);
  }

  public List<Column> columns() {
    return columns;
  }

  /** The index of the column of this name, or -1. */
  public int indexOf(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** As Parquet writes it: strings as UTF-8, lists (and lists of lists) in the standard form. */
  MessageType parquet() {
    List<Type> fields = new ArrayList<>();
    for (Column c : columns) {
      Type.Repetition rep = c.nullable() ? Type.Repetition.OPTIONAL : Type.Repetition.REQUIRED;
      switch (c.kind()) {
        case STRING:
          fields.add(Types.primitive(PrimitiveTypeName.BINARY, rep)
              .as(LogicalTypeAnnotation.stringType()).named(c.name()));
          break;
        case DOUBLE:
          fields.add(Types.primitive(PrimitiveTypeName.DOUBLE, rep).named(c.name()));
          break;
        case LONG:
          fields.add(Types.primitive(PrimitiveTypeName.INT64, rep).named(c.name()));
          break;
        case BOOLEAN:
          fields.add(Types.primitive(PrimitiveTypeName.BOOLEAN, rep).named(c.name()));
          break;
        case DOUBLE_LIST:
          fields.add(Types.list(rep).requiredElement(PrimitiveTypeName.DOUBLE).named(c.name()));
          break;
        case DOUBLE_LIST_LIST:
          fields.add(Types.list(rep).element(Types.requiredList()
              .requiredElement(PrimitiveTypeName.DOUBLE).named("element")).named(c.name()));
          break;
        default:
          fields.add(Types.list(rep).element(Types.required(PrimitiveTypeName.BINARY)
              .as(LogicalTypeAnnotation.stringType()).named("element")).named(c.name()));
      }
    }
    return new MessageType("multiref", fields);
  }
}
