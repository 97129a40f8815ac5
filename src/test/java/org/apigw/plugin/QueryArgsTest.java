package org.apigw.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class QueryArgsTest {

  @Test
  void first_decodesTheFirstValue_andTellsABareNameFromAMissingOne() {
    assertEquals("a b", QueryArgs.first("x=1&apikey=a%20b&apikey=2", "apikey"));
    assertEquals("", QueryArgs.first("flag&x=1", "flag"));
    assertNull(QueryArgs.first("x=1", "apikey"));
    assertNull(QueryArgs.first(null, "apikey"));
  }

  @Test
  void without_dropsEveryOccurrence_andKeepsTheRestAsWritten() {
    assertEquals("x=1&y=%2F", QueryArgs.without("apikey=k&x=1&apikey=2&y=%2F", "apikey"));
    assertNull(QueryArgs.without("apikey=k", "apikey"));
    assertEquals("a=1", QueryArgs.without("a=1&&", "apikey"));
  }
}
