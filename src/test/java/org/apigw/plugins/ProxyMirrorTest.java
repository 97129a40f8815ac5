package org.apigw.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.apigw.plugin.FakeContext;
import org.apigw.plugin.PluginConfigException;
import org.junit.jupiter.api.Test;

class ProxyMirrorTest {

  private final ProxyMirrorPlugin plugin = ProxyMirrorPlugin.fromAttr(Map.of());

  @Test
  void decode_hostSchemesPortsAndDefaults() {
    var c = plugin.decode(PluginLogicTest.json("{'host':'http://127.0.0.1:9797'}"));
    assertEquals(new ProxyMirrorPlugin.Config(false, false, "127.0.0.1", 9797, null, false, 1), c);
    var https = plugin.decode(PluginLogicTest.json("{'host':'https://mirror.example.com'}"));
    assertTrue(https.ssl());
    assertEquals(443, https.port());
    var grpc = plugin.decode(PluginLogicTest.json("{'host':'grpc://[::1]:50051','path':'/p','path_concat_mode':'prefix','sample_ratio':0.5}"));
    assertTrue(grpc.http2());
    assertFalse(grpc.ssl());
    assertEquals("::1", grpc.host());
    assertEquals(50051, grpc.port());
    assertTrue(grpc.prefix());
    assertEquals(0.5, grpc.ratio());
    assertEquals(80, plugin.decode(PluginLogicTest.json("{'host':'grpc://h'}")).port());
  }

  @Test
  void decode_refusesPortOutOfRange_namingHost() {
    PluginConfigException e =
        assertThrows(PluginConfigException.class, () -> plugin.decode(PluginLogicTest.json("{'host':'http://h:70000'}")));
    assertTrue(e.getMessage().contains("\"host\""), e.getMessage());
    assertThrows(PluginConfigException.class, () -> plugin.decode(PluginLogicTest.json("{'host':'http://h:0'}")));
    assertThrows(PluginConfigException.class, () -> plugin.decode(PluginLogicTest.json("{'host':'http://h:123456789012'}")));
  }

  @Test
  void mirrorUri_asApisixEnableMirror() {
    FakeContext ctx = new FakeContext().uri("/a b").query("x=1&y=2");
    var plain = plugin.decode(PluginLogicTest.json("{'host':'http://h'}"));
    assertEquals("/a%20b?x=1&y=2", ProxyMirrorPlugin.mirrorUri(plain, ctx));
    var replace = plugin.decode(PluginLogicTest.json("{'host':'http://h','path':'/m'}"));
    assertEquals("/m?x=1&y=2", ProxyMirrorPlugin.mirrorUri(replace, ctx), "replace keeps the query");
    var prefix = plugin.decode(PluginLogicTest.json("{'host':'http://h','path':'/m','path_concat_mode':'prefix'}"));
    assertEquals("/m/a%20b?x=1&y=2", ProxyMirrorPlugin.mirrorUri(prefix, ctx));
    ctx.vars.put("upstream_uri", "/rewritten?z=3");
    assertEquals("/m/rewritten?z=3", ProxyMirrorPlugin.mirrorUri(prefix, ctx), "an upstream_uri set earlier wins");
    FakeContext noQuery = new FakeContext().uri("/p");
    assertEquals("/m", ProxyMirrorPlugin.mirrorUri(replace, noQuery));
  }

  @Test
  void rewrite_samples() {
    var never = plugin.decode(PluginLogicTest.json("{'host':'http://h','sample_ratio':0.00001}"));
    var always = plugin.decode(PluginLogicTest.json("{'host':'http://h'}"));
    int sampled = 0;
    for (int i = 0; i < 1000; i++) {
      FakeContext ctx = new FakeContext();
      plugin.rewrite(never, ctx);
      sampled += ctx.attr("proxy-mirror.uri") == null ? 0 : 1;
      FakeContext all = new FakeContext().uri("/x");
      plugin.rewrite(always, all);
      assertEquals("/x", all.attr("proxy-mirror.uri"));
    }
    assertTrue(sampled < 5, "ratio 1e-5 over 1000 requests: " + sampled);
    FakeContext notSampled = new FakeContext();
    assertNull(notSampled.attr("proxy-mirror.uri"));
    plugin.beforeProxy(never, notSampled); // nothing to send: needs no event loop
    assertTrue(notSampled.taps.isEmpty());
  }

  @Test
  void nginxTime_units() {
    assertEquals(Duration.ofSeconds(60), ProxyMirrorPlugin.nginxTime(null, "t"));
    assertEquals(Duration.ofSeconds(60), ProxyMirrorPlugin.nginxTime(PluginLogicTest.json("'60s'"), "t"));
    assertEquals(Duration.ofMillis(500), ProxyMirrorPlugin.nginxTime(PluginLogicTest.json("'500ms'"), "t"));
    assertEquals(Duration.ofMinutes(2), ProxyMirrorPlugin.nginxTime(PluginLogicTest.json("'2m'"), "t"));
    assertEquals(Duration.ofSeconds(7), ProxyMirrorPlugin.nginxTime(PluginLogicTest.json("7"), "t"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ProxyMirrorPlugin.nginxTime(PluginLogicTest.json("'soon'"), "a.b"));
    assertTrue(e.getMessage().startsWith("a.b:"), e.getMessage());
  }
}
