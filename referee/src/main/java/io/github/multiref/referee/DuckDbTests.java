package io.github.multiref.referee;

import java.sql.SQLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** A test class with one DuckDB referee for all its tests ({@link #duck}). */
public abstract class DuckDbTests {

  protected static DuckDb duck;

  @BeforeAll
  static void openDuckDb() throws SQLException {
    duck = new DuckDb();
  }

  @AfterAll
  static void closeDuckDb() throws SQLException {
    duck.close();
  }
}
