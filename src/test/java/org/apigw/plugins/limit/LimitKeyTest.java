package org.apigw.plugins.limit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.apigw.plugin.FakeContext;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.PluginConfigException;
import org.junit.jupiter.api.Test;

class LimitKeyTest {

  private static FakeContext request() {
    FakeContext ctx = new FakeContext();
    ctx.remoteAddr = "10.0.0.7";
    return ctx;
  }

  @Test
  void var_readsTheNamedVariable() {
    FakeContext ctx = request().header("X-User", "alice");
    assertEquals("alice", LimitKey.of("var", "http_x_user").resolve(ctx));
    assertEquals("10.0.0.7", LimitKey.of(null, "remote_addr").resolve(ctx));
  }

  @Test
  void var_absent_fallsBackToRemoteAddr() {
    assertEquals("10.0.0.7", LimitKey.of("var", "http_x_user").resolve(request()));
  }

  @Test
  void varCombination_joinsResolvedVariables_absentOnesEmpty() {
    FakeContext ctx = request().header("X-User", "alice");
    assertEquals("10.0.0.7 alice", LimitKey.of("var_combination", "$remote_addr $http_x_user").resolve(ctx));
    assertEquals("u: alice", LimitKey.of("var_combination", "u: $http_x_user$http_x_none").resolve(ctx));
  }

  @Test
  void varCombination_noneResolved_fallsBackToRemoteAddr() {
    assertEquals("10.0.0.7", LimitKey.of("var_combination", "$http_x_a-$http_x_b").resolve(request()));
  }

  @Test
  void constant_isTheKeyItself() {
    FakeContext ctx = request().header("X-User", "alice");
    assertEquals("http_x_user", LimitKey.of("constant", "http_x_user").resolve(ctx));
  }

  @Test
  void unknownKeyType_namesTheField() {
    PluginConfigException e = assertThrows(PluginConfigException.class, () -> LimitKey.of("header", "x"));
    assertEquals("key_type: unknown value \"header\"", e.getMessage());
  }

  @Test
  void rejection_withMessage_isJson_withoutMessage_isTheGatewayPage() {
    PhaseResult.Respond msg = Rejection.of(429, "slow \"down\"");
    assertEquals(429, msg.status());
    assertEquals("{\"error_msg\":\"slow \\\"down\\\"\"}", msg.body().toString());
    assertEquals("application/json", msg.headers().get("Content-Type"));
    PhaseResult.Respond bare = Rejection.of(503, null);
    assertEquals(503, bare.status());
    assertEquals(null, bare.body());
  }
}
