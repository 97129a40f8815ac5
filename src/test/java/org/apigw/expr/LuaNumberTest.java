package org.apigw.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LuaNumberTest {

  @Test
  void parsesLuaNumberSyntax() {
    assertEquals(10.0, LuaNumber.parse("10"));
    assertEquals(-3.5, LuaNumber.parse("-3.5"));
    assertEquals(0.5, LuaNumber.parse(".5"));
    assertEquals(5.0, LuaNumber.parse("5."));
    assertEquals(1500.0, LuaNumber.parse("1.5e3"));
    assertEquals(0.015, LuaNumber.parse("1.5E-2"));
    assertEquals(255.0, LuaNumber.parse("0xff"));
    assertEquals(42.0, LuaNumber.parse("  42\t"));
    assertEquals(0.1, LuaNumber.parse("0.1"));
    assertEquals(123456789012345678.0, LuaNumber.parse("123456789012345678"));
    assertEquals(1.2345678901234567e-5, LuaNumber.parse("0.000012345678901234567"));
    assertEquals(1e300, LuaNumber.parse("1e300"));
  }

  @Test
  void rejectsNonNumbers() {
    for (String s :
        new String[] {null, "", " ", "abc", "1a", "1e", "e5", ".", "-", "0x", "inf", "nan", "NaN",
          "Infinity", "1f", "1d", "1 2", "--1"}) {
      assertTrue(Double.isNaN(LuaNumber.parse(s)), String.valueOf(s));
    }
  }
}
