package org.apigw.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apigw.plugins.BuiltinPlugins;
import org.junit.jupiter.api.Test;

class PluginsTest {

  static final Plugins ALL = new Plugins(BuiltinPlugins.create(Map.of()), BuiltinPlugins.NAMES);

  static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static Map<String, JsonNode> confs(String s) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    json(s).fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
    return out;
  }

  @Test
  void registry_namesMatchInstances() {
    assertEquals(
        BuiltinPlugins.NAMES,
        BuiltinPlugins.create(Map.of()).stream().map(Plugin::name).collect(java.util.stream.Collectors.toSet()));
  }

  @Test
  void enabled_isTheListIntersectedWithTheBuild() {
    Plugins p = new Plugins(BuiltinPlugins.create(Map.of()), List.of("redirect", "no-such", "key-auth"));
    assertEquals(java.util.Set.of("redirect", "key-auth"), p.enabled());
    assertFalse(p.isEnabled("ip-restriction"));
    assertEquals(Optional.of("unknown plugin [ip-restriction]"), p.check("ip-restriction", json("{}")));
  }

  @Test
  void check_schemaErrorsNameTheField() {
    assertEquals(
        Optional.of("property \"response_code\" validation failed: expected 500 to be at most 404"),
        ALL.check("ip-restriction", json("{'whitelist':['1.2.3.4'],'response_code':500}")));
    assertEquals(
        Optional.of("value should match only one schema, but matches none"),
        ALL.check("ip-restriction", json("{}")));
    assertEquals(
        Optional.of("property \"block_rules\" is required"), ALL.check("uri-blocker", json("{}")));
    assertEquals(
        Optional.of("pcre_compile() failed: missing ) in \".+(\""),
        ALL.check("uri-blocker", json("{'block_rules':['.+(']}")));
    assertEquals(
        Optional.of("The length of regex_uri should be an even number"),
        ALL.check("proxy-rewrite", json("{'regex_uri':['a','b','c']}")));
    assertEquals(
        Optional.of("only one of `http_to_https` and `append_query_string` can be configured."),
        ALL.check("redirect", json("{'http_to_https':true,'append_query_string':true}")));
    assertEquals(Optional.empty(), ALL.check("redirect", json("{'uri':'/x'}")));
  }

  @Test
  void chain_routeWinsOverPluginConfigOverService_sortedByPriority() {
    PluginChain chain =
        ALL.chain(
            List.of(
                new Plugins.Source("services/s", confs("{'uri-blocker':{'block_rules':['s']},'request-id':{}}")),
                new Plugins.Source("plugin_configs/p", confs("{'uri-blocker':{'block_rules':['p']},'real-ip':{'source':'arg_ip'}}")),
                new Plugins.Source("routes/r", confs("{'uri-blocker':{'block_rules':['r']},'redirect':{'uri':'/x'}}"))));
    assertEquals("PluginChain[real-ip, request-id, uri-blocker, redirect]", chain.toString());
    PluginChain.Entry blocker = chain.entries().get(2);
    assertEquals("routes/r", blocker.stateKey().owner());
    assertEquals(0, chain.phase(Phase.ACCESS).length);
    assertEquals(4, chain.phase(Phase.REWRITE).length);
    assertEquals(1, chain.phase(Phase.HEADER_FILTER).length);
  }

  @Test
  void chain_metaDisableLeavesThePluginOut_metaPriorityReorders() {
    PluginChain chain =
        ALL.chain(
            List.of(
                new Plugins.Source(
                    "routes/r",
                    confs("{'request-id':{'_meta':{'disable':true}},'redirect':{'uri':'/x','_meta':{'priority':99999}},"
                        + "'real-ip':{'source':'arg_ip'}}"))));
    assertEquals("PluginChain[redirect, real-ip]", chain.toString());
    assertEquals(json("{'uri':'/x'}"), chain.entries().get(0).stateKey().conf());
  }

  @Test
  void chain_empty_isTheSharedConstant() {
    assertSame(PluginChain.EMPTY, ALL.chain(List.of(new Plugins.Source("routes/r", Map.of()))));
  }

  @Test
  void union_keepsTheSamePluginFromTwoGlobalRules() {
    PluginChain chain =
        ALL.union(
            List.of(
                new Plugins.Source("global_rules/1", confs("{'request-id':{}}")),
                new Plugins.Source("global_rules/2", confs("{'request-id':{'header_name':'X-B'}}"))));
    assertEquals(2, chain.entries().size());
  }

  @Test
  void state_isKeyedByOwnerAndConf() {
    PluginState<int[]> state = new PluginState<>(Duration.ofMinutes(1), 100);
    PluginState.Key a = new PluginState.Key("routes/1", json("{'count':1}"));
    int[] first = state.get(a, k -> new int[1]);
    assertSame(first, state.get(new PluginState.Key("routes/1", json("{'count':1}")), k -> new int[1]));
    assertNotSame(first, state.get(new PluginState.Key("routes/1", json("{'count':2}")), k -> new int[1]));
    assertTrue(state.size() >= 2);
  }

  @Test
  void template_resolvesVarsCapturesAndEscapes() {
    FakeContext ctx = new FakeContext().uri("/a").query("x=1");
    assertEquals("/b/1/a-$-$", Template.compile("/b/$arg_x${uri}-\\$-$$").resolve(ctx, null));
    assertEquals("/q/", Template.compile("/q/$nope").resolve(ctx, null));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^/(\\w+)").matcher("/abc");
    assertTrue(m.find());
    assertEquals("/x/abc", Template.compile("/x/$1").resolve(ctx, m));
  }
}
