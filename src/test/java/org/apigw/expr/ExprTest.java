package org.apigw.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExprTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Expr expr(String json) {
    try {
      return Expr.compile(JSON.readTree(json.replace('\'', '"')));
    } catch (ExprException e) {
      throw new AssertionError(e.getMessage(), e);
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  static String compileError(String json) throws Exception {
    JsonNode node = json == null ? null : JSON.readTree(json.replace('\'', '"'));
    return assertThrows(ExprException.class, () -> Expr.compile(node)).getMessage();
  }

  static VarResolver vars(String... kv) {
    Map<String, String> m = new java.util.HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m::get;
  }

  static final VarResolver NONE = name -> null;

  /* ---- forms ---- */

  @Test
  void emptyExpression_isAlwaysTrue() {
    assertTrue(expr("[]").test(NONE));
  }

  @Test
  void listOfRules_isAnd() {
    Expr e = expr("[['arg_a','==','1'],['arg_b','==','2']]");
    assertTrue(e.test(vars("arg_a", "1", "arg_b", "2")));
    assertFalse(e.test(vars("arg_a", "1", "arg_b", "3")));
    assertFalse(e.test(vars("arg_b", "2")));
  }

  @Test
  void logicalOr_anyOperand() {
    Expr e = expr("['OR',['arg_a','==','1'],['arg_b','==','2']]");
    assertTrue(e.test(vars("arg_a", "1")));
    assertTrue(e.test(vars("arg_b", "2")));
    assertFalse(e.test(vars("arg_a", "2", "arg_b", "1")));
  }

  @Test
  void logicalOperators_areCaseInsensitive() {
    assertTrue(expr("['or',['a','==','1'],['b','==','2']]").test(vars("b", "2")));
  }

  @Test
  void notAnd_negatesConjunction() {
    Expr e = expr("['!AND',['a','==','1'],['b','==','2']]");
    assertFalse(e.test(vars("a", "1", "b", "2")));
    assertTrue(e.test(vars("a", "1", "b", "3")));
  }

  @Test
  void notOr_negatesDisjunction() {
    Expr e = expr("['!OR',['a','==','1'],['b','==','2']]");
    assertTrue(e.test(vars("a", "0", "b", "0")));
    assertFalse(e.test(vars("a", "1", "b", "0")));
  }

  @Test
  void nestedLogical_readmeExample() {
    // not (name == json and (weight > 10 or not height > 15))
    Expr e =
        expr(
            "['!AND',['arg_name','==','json'],['OR',['arg_weight','>',10],"
                + "['arg_height','!','>',15]]]");
    assertFalse(e.test(vars("arg_name", "json", "arg_weight", "11", "arg_height", "20")));
    assertTrue(e.test(vars("arg_name", "json", "arg_weight", "5", "arg_height", "20")));
    assertFalse(e.test(vars("arg_name", "json", "arg_weight", "5", "arg_height", "10")));
    assertTrue(e.test(vars("arg_name", "xml", "arg_weight", "11")));
  }

  @Test
  void nestedLogical_insideRuleList() {
    Expr e = expr("[['a','==','1'],['OR',['b','==','x'],['b','==','y']]]");
    assertTrue(e.test(vars("a", "1", "b", "y")));
    assertFalse(e.test(vars("a", "1", "b", "z")));
  }

  @Test
  void negation_invertsEachOperator() {
    assertFalse(expr("[['a','!','==','1']]").test(vars("a", "1")));
    assertTrue(expr("[['a','!','==','1']]").test(vars("a", "2")));
    assertTrue(expr("[['a','!','==','1']]").test(NONE));
    assertTrue(expr("[['ua','!','~*','android']]").test(vars("ua", "iPhone")));
    assertFalse(expr("[['ua','!','~*','android']]").test(vars("ua", "Android 14")));
    assertTrue(expr("[['a','!','in',['x','y']]]").test(vars("a", "z")));
    assertTrue(expr("[['a','!','>',15]]").test(vars("a", "10")));
    assertTrue(expr("[['ip','!','ipmatch','10.0.0.0/8']]").test(vars("ip", "11.0.0.1")));
  }

  @Test
  void twoElementRule_isCompatibilityEquality() {
    // lua-resty-expr: [var, value] == [var, "==", lower(value)]
    assertTrue(expr("[['a','v']]").test(vars("a", "v")));
    assertTrue(expr("[['a','V']]").test(vars("a", "v")));
    assertFalse(expr("[['a','V']]").test(vars("a", "V")));
  }

  @Test
  void operator_isCaseInsensitive() {
    assertTrue(expr("[['a','IN',['x']]]").test(vars("a", "x")));
    assertTrue(expr("[['ip','IPMATCH','127.0.0.1']]").test(vars("ip", "127.0.0.1")));
  }

  /* ---- operators ---- */

  @Test
  void eq_string_isExact() {
    Expr e = expr("[['arg_k','==','v']]");
    assertTrue(e.test(vars("arg_k", "v")));
    assertFalse(e.test(vars("arg_k", "V")));
    assertFalse(e.test(NONE));
  }

  @Test
  void eq_number_coercesVariable() {
    Expr e = expr("[['arg_k','==',10]]");
    assertTrue(e.test(vars("arg_k", "10")));
    assertTrue(e.test(vars("arg_k", "10.0")));
    assertTrue(e.test(vars("arg_k", " 1e1 ")));
    assertTrue(e.test(vars("arg_k", "0xa")));
    assertFalse(e.test(vars("arg_k", "ten")));
    assertFalse(e.test(NONE));
  }

  @Test
  void eq_stringNumber_isStringCompare() {
    Expr e = expr("[['arg_k','==','10']]");
    assertTrue(e.test(vars("arg_k", "10")));
    assertFalse(e.test(vars("arg_k", "10.0")));
  }

  @Test
  void eq_null_matchesMissingVariable() {
    assertTrue(expr("[['arg_k','==',null]]").test(NONE));
    assertFalse(expr("[['arg_k','==',null]]").test(vars("arg_k", "")));
    assertTrue(expr("[['arg_k','~=',null]]").test(vars("arg_k", "")));
  }

  @Test
  void ne_missingVariable_isTrue() {
    // Lua: nil ~= "v" is true; tonumber(nil) is nil, and ~= a number then returns true
    assertTrue(expr("[['arg_k','~=','v']]").test(NONE));
    assertTrue(expr("[['arg_k','~=',5]]").test(NONE));
    assertTrue(expr("[['arg_k','~=',5]]").test(vars("arg_k", "five")));
    assertFalse(expr("[['arg_k','~=',5]]").test(vars("arg_k", "5")));
    assertFalse(expr("[['arg_k','~=','v']]").test(vars("arg_k", "v")));
  }

  @Test
  void eq_booleanValue_neverEqual() {
    assertFalse(expr("[['arg_k','==',true]]").test(vars("arg_k", "true")));
    assertTrue(expr("[['arg_k','~=',true]]").test(vars("arg_k", "true")));
  }

  @Test
  void greaterLess_coerceBothSides() {
    assertTrue(expr("[['a','>',10]]").test(vars("a", "11")));
    assertFalse(expr("[['a','>',10]]").test(vars("a", "10")));
    assertTrue(expr("[['a','>=',10]]").test(vars("a", "10")));
    assertTrue(expr("[['a','<',10]]").test(vars("a", "9.5")));
    assertTrue(expr("[['a','<=','10']]").test(vars("a", "10")));
    assertTrue(expr("[['a','>',-1]]").test(vars("a", "-0.5")));
    assertTrue(expr("[['a','>',9]]").test(vars("a", "10"))); // numeric, not string order
  }

  @Test
  void greaterLess_missingOrNonNumeric_isFalse() {
    assertFalse(expr("[['a','>',10]]").test(NONE));
    assertFalse(expr("[['a','<',10]]").test(NONE));
    assertFalse(expr("[['a','<',10]]").test(vars("a", "abc")));
    assertFalse(expr("[['a','>','abc']]").test(vars("a", "1")));
    assertFalse(expr("[['a','<=',10]]").test(vars("a", "")));
  }

  @Test
  void regex_findsAnywhere() {
    Expr e = expr("[['ua','~~','[a-z]+bot']]");
    assertTrue(e.test(vars("ua", "Mozilla googlebot/2.1")));
    assertFalse(e.test(vars("ua", "Mozilla GoogleBOT")));
    assertFalse(e.test(NONE));
    assertTrue(expr("[['u','~~','^/api/v[0-9]$']]").test(vars("u", "/api/v2")));
  }

  @Test
  void regexCaseInsensitive() {
    Expr e = expr("[['ua','~*','android']]");
    assertTrue(e.test(vars("ua", "Linux; ANDROID 14")));
    assertFalse(e.test(vars("ua", "iPhone")));
    assertFalse(e.test(NONE));
  }

  @Test
  void in_matchesStringElements() {
    Expr e = expr("[['m','in',['GET','POST']]]");
    assertTrue(e.test(vars("m", "POST")));
    assertFalse(e.test(vars("m", "PUT")));
    assertFalse(e.test(NONE));
  }

  @Test
  void in_numberElements_neverEqualStrings() {
    // Lua: "1" == 1 is false
    assertFalse(expr("[['a','in',[1,2]]]").test(vars("a", "1")));
  }

  @Test
  void in_largeList_usesSet() {
    StringBuilder sb = new StringBuilder("[['a','in',[");
    for (int i = 0; i < 50; i++) {
      sb.append(i == 0 ? "" : ",").append("'v").append(i).append("'");
    }
    Expr e = expr(sb.append("]]]").toString());
    assertTrue(e.test(vars("a", "v49")));
    assertFalse(e.test(vars("a", "v50")));
  }

  @Test
  void in_nonArrayValue_isFalse() {
    assertFalse(expr("[['a','in','x']]").test(vars("a", "x")));
  }

  @Test
  void has_readsCommaSeparatedList() {
    Expr e = expr("[['http_x_tags','has','beta']]");
    assertTrue(e.test(vars("http_x_tags", "alpha, beta ,gamma")));
    assertTrue(e.test(vars("http_x_tags", "beta")));
    assertFalse(e.test(vars("http_x_tags", "alphabeta, betamax")));
    assertFalse(e.test(vars("http_x_tags", "")));
    assertFalse(e.test(NONE));
  }

  @Test
  void ipmatch_singleAndCidrAndList() {
    assertTrue(expr("[['remote_addr','ipmatch','127.0.0.1']]").test(vars("remote_addr", "127.0.0.1")));
    assertTrue(expr("[['remote_addr','ipmatch','127.0.0.0/16']]").test(vars("remote_addr", "127.0.9.1")));
    Expr list = expr("[['remote_addr','ipmatch',['10.0.0.0/8','::1']]]");
    assertTrue(list.test(vars("remote_addr", "::1")));
    assertTrue(list.test(vars("remote_addr", "10.2.3.4")));
    assertFalse(list.test(vars("remote_addr", "11.2.3.4")));
    assertFalse(list.test(vars("remote_addr", "not-an-ip")));
    assertFalse(list.test(NONE));
  }

  /* ---- compile errors (lua-resty-expr messages) ---- */

  @Test
  void compileError_invalidOperator() throws Exception {
    assertEquals("invalid operator '='", compileError("[['arg_k','=','v']]"));
    assertEquals("invalid operator '!'", compileError("[['arg_k','!','v']]"));
  }

  @Test
  void compileError_ruleWithoutBrackets() throws Exception {
    assertEquals("rule should be wrapped inside brackets", compileError("['arg_k','==','v']"));
  }

  @Test
  void compileError_invalidExpression() throws Exception {
    assertEquals("invalid expression", compileError("[['arg_k']]"));
    assertEquals("invalid expression", compileError("{}"));
    assertEquals("invalid expression", compileError("[[1,'==','v']]"));
  }

  @Test
  void compileError_ruleTooShort() throws Exception {
    assertEquals("rule too short", compileError("[[]]"));
    assertEquals("rule too short", compileError("['OR',['a','>',10]]"));
    assertEquals("rule too short", compileError("['OR',['a','>',10],['AND']]"));
  }

  @Test
  void compileError_badNot() throws Exception {
    assertEquals("bad 'not' expression", compileError("[['!','arg_k','==','1']]"));
  }

  @Test
  void compileError_missingRule() throws Exception {
    assertEquals("missing argument rule", compileError(null));
    assertEquals("missing argument rule", compileError("null"));
  }

  @Test
  void compileError_badRegexNamesIt() throws Exception {
    String msg = compileError("[['a','~~','([a-z']]");
    assertTrue(msg.startsWith("failed to compile regex '([a-z'"), msg);
    assertTrue(compileError("[['a','~*',null]]").startsWith("invalid regex"));
  }

  @Test
  void compileError_badIp() throws Exception {
    assertEquals("invalid ip address", compileError("[['remote_addr','ipmatch',null]]"));
    assertEquals("invalid ip address", compileError("[['remote_addr','ipmatch','']]"));
    assertEquals("invalid ip address", compileError("[['remote_addr','ipmatch',[]]]"));
    assertEquals("invalid ip address: ", compileError("[['remote_addr','ipmatch',['']]]"));
    assertEquals(
        "invalid ip address: 10.0.0.0/33", compileError("[['remote_addr','ipmatch','10.0.0.0/33']]"));
  }

  @Test
  void toString_showsSource() {
    assertEquals("[[\"a\",\"==\",\"1\"]]", expr("[['a','==','1']]").toString());
  }

  @Test
  void test_allocatesNothing() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
    Expr e =
        expr(
            "[['a','==','1'],['n','>',5],['n','==',10],['ua','~*','bot'],['t','has','x'],"
                + "['m','in',['GET','POST']],['ip','ipmatch',['10.0.0.0/8','fe80::/10']],"
                + "['OR',['ip6','ipmatch','fe80::/10'],['a','==','2']]]");
    Map<String, String> m =
        Map.of("a", "1", "n", "10", "ua", "SomeBot", "t", "y, x", "m", "GET", "ip", "10.1.1.1",
            "ip6", "fe80::1");
    VarResolver v = m::get;
    for (int i = 0; i < 20_000; i++) {
      assertTrue(e.test(v));
    }
    long tid = Thread.currentThread().getId();
    long before = mx.getThreadAllocatedBytes(tid);
    boolean all = true;
    for (int i = 0; i < 10_000; i++) {
      all &= e.test(v);
    }
    long after = mx.getThreadAllocatedBytes(tid);
    assertTrue(all);
    // a handful of bytes of noise is tolerated; one allocation per call would be >= 160 KB
    assertTrue(after - before < 16_000, "allocated " + (after - before) + " bytes in 10k tests");
  }
}
