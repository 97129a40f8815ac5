package plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import lib.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedirectIT extends PluginITBase {

  static {
    extraConfig = "plugin_attr: {redirect: {https_port: 8443}}";
  }

  @Test
  void uriWithVars_appendQuery() {
    route("rd", "/rd", "{\"redirect\":{\"uri\":\"/to$uri\",\"append_query_string\":true}}");
    Http.Response r = eventually(() -> gw.get("/rd?x=1"), 302);
    assertEquals("/to/rd?x=1", r.header("Location"));
  }

  @Test
  void httpToHttps_usesPluginAttrPort() {
    route("rs", "/rs", "{\"redirect\":{\"http_to_https\":true}}");
    Http.Response r = eventually(() -> gw.proxy("/rs?a=b").host("foo.com").send(), 301);
    assertEquals("https://foo.com:8443/rs?a=b", r.header("Location"));
    assertEquals(308, gw.proxy("/rs").host("foo.com").method("POST").body("x").send().status());
  }

  @Test
  void regexUri_retCode() {
    route("rr", "/old/*", "{\"redirect\":{\"regex_uri\":[\"^/old/(.*)\",\"/new/$1\"],\"ret_code\":307}}");
    Http.Response r = eventually(() -> gw.get("/old/page"), 307);
    assertEquals("/new/page", r.header("Location"));
  }

  @Test
  void schemaErrors() {
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"redirect\":{\"http_to_https\":true,\"append_query_string\":true}}," + upstream() + "}",
        "failed to check the configuration of plugin redirect err: only one of `http_to_https` and `append_query_string` can be configured.");
    assertAdminError("/routes/bad", "{\"uri\":\"/b\",\"plugins\":{\"redirect\":{\"ret_code\":302}}," + upstream() + "}",
        "failed to check the configuration of plugin redirect err: value should match only one schema, but matches none");
  }
}
