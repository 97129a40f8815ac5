package org.apigw.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.apigw.plugin.PluginCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ResourceCodec#validate}: schema translation and the semantic checks, per type. */
class ResourceCodecValidateTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final ResourceCodec CODEC = new ResourceCodec(TestPlugins.INSTANCE);

  /** Single quotes stand for double quotes, to keep the bodies readable. */
  static JsonNode json(String body) {
    try {
      return MAPPER.readTree(body.replace('\'', '"'));
    } catch (Exception e) {
      throw new IllegalArgumentException(body, e);
    }
  }

  private static Optional<String> validate(ResourceType type, String body) {
    return CODEC.validate(type, json(body));
  }

  private static void assertValid(ResourceType type, String body) {
    assertEquals(Optional.empty(), validate(type, body), body);
  }

  private static void assertError(ResourceType type, String body, String expected) {
    assertEquals(Optional.of(expected), validate(type, body), body);
  }

  private static void assertRoute(String body, String expected) {
    assertError(ResourceType.ROUTES, body, expected);
  }

  private static void assertUpstream(String body, String expected) {
    assertError(ResourceType.UPSTREAMS, body, expected);
  }

  /* ---------------------------------------- route ---------------------------------------- */

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'uri':'/a','upstream':{'nodes':{'127.0.0.1:80':1}}}",
        "{'uris':['/a','/b*'],'upstream_id':1}",
        "{'uri':'/a','service_id':'svc-1.x_y'}",
        "{'uri':'/a','plugins':{}}",
        "{'uri':'/a','plugins':{'key-auth':{}},'plugin_config_id':7}",
        "{'id':'r1','uri':'/a','upstream_id':'u','name':'n','desc':'d','labels':{'env':'prod'},"
            + "'priority':-5,'status':0,'methods':['GET','PURGE'],'host':'*.foo.com',"
            + "'remote_addrs':['10.0.0.0/8','::1','fe80::/10','127.0.0.1'],'enable_websocket':true,"
            + "'timeout':{'connect':0.5,'send':3,'read':3},'create_time':1700000000,"
            + "'update_time':1700000001}",
        "{'uri':'/a','upstream_id':1,'hosts':['*','a.com','[::1]:8080']}",
        "{'uri':'/a','upstream_id':1,'remote_addr':'192.168.1.0/24'}",
      })
  void route_valid(String body) {
    assertValid(ResourceType.ROUTES, body);
  }

  @Test
  void route_additionalProperty() {
    assertRoute(
        "{'uri':'/a','plugins':{},'foo':1}",
        "invalid configuration: additional properties forbidden, found foo");
  }

  @Test
  void route_uriAndUris_exactlyOne() {
    String expected =
        "invalid configuration: allOf 1 failed: value should match only one schema, but matches"
            + " none: exactly one of \"uri\" or \"uris\" is required";
    assertRoute("{'plugins':{}}", expected);
    assertRoute(
        "{'uri':'/a','uris':['/b'],'plugins':{}}",
        "invalid configuration: allOf 1 failed: value should match only one schema, but matches"
            + " both schemas 1 and 2: exactly one of \"uri\" or \"uris\" is required");
  }

  @Test
  void route_needsSomethingToRun() {
    assertRoute(
        "{'uri':'/a'}",
        "invalid configuration: object matches none of the required: a route needs one of"
            + " \"plugins\", \"upstream\", \"upstream_id\", \"service_id\" or \"script\"");
  }

  @Test
  void route_id() {
    assertRoute(
        "{'id':'a b','uri':'/a','plugins':{}}",
        "invalid configuration: property \"id\" validation failed: object matches none of the"
            + " required: failed to match pattern \"^[a-zA-Z0-9-_.]+$\" with \"a b\"");
    assertRoute(
        "{'id':0,'uri':'/a','plugins':{}}",
        "invalid configuration: property \"id\" validation failed: object matches none of the"
            + " required: expected 0 to be at least 1");
    assertRoute(
        "{'id':'" + "x".repeat(65) + "','uri':'/a','plugins':{}}",
        "invalid configuration: property \"id\" validation failed: object matches none of the"
            + " required: string too long, expected at most 64, got 65");
    assertRoute(
        "{'uri':'/a','upstream_id':true}",
        "invalid configuration: property \"upstream_id\" validation failed: object matches none"
            + " of the required: wrong type: expected string or integer, got boolean");
  }

  @Test
  void route_methods() {
    assertRoute(
        "{'uri':'/a','methods':['GET','get'],'plugins':{}}",
        "invalid configuration: property \"methods\" validation failed: failed to validate item 2:"
            + " matches none of the enum values");
    assertRoute(
        "{'uri':'/a','methods':['GET','POST','GET'],'plugins':{}}",
        "invalid configuration: property \"methods\" validation failed: expected unique items but"
            + " items 1 and 3 are equal");
  }

  @Test
  void route_scalarLimits() {
    assertRoute(
        "{'uri':'/a','status':2,'plugins':{}}",
        "invalid configuration: property \"status\" validation failed: matches none of the enum"
            + " values");
    assertRoute(
        "{'uri':'','plugins':{}}",
        "invalid configuration: property \"uri\" validation failed: string too short, expected at"
            + " least 1, got 0");
    assertRoute(
        "{'uri':'/" + "a".repeat(4096) + "','plugins':{}}",
        "invalid configuration: property \"uri\" validation failed: string too long, expected at"
            + " most 4096, got 4097");
    assertRoute(
        "{'uri':'/a','priority':1.5,'plugins':{}}",
        "invalid configuration: property \"priority\" validation failed: wrong type: expected"
            + " integer, got number");
  }

  @Test
  void intBackedFields_areBoundedRatherThanTruncated() {
    assertRoute(
        "{'uri':'/a','priority':2147483648,'plugins':{}}",
        "invalid configuration: property \"priority\" validation failed: expected 2147483648 to"
            + " be at most 2147483647");
    assertUpstream(
        "{'nodes':{'a:1':4294967296}}",
        "invalid configuration: property \"nodes\" validation failed: object matches none of the"
            + " required: property \"a:1\" validation failed: expected 4294967296 to be at most"
            + " 2147483647");
  }

  @Test
  void route_uriWithEmptyUris_reportsTheArray() {
    assertRoute(
        "{'uris':[],'plugins':{}}",
        "invalid configuration: property \"uris\" validation failed: expect array to have at least"
            + " 1 items");
  }

  @Test
  void route_timeout() {
    assertRoute(
        "{'uri':'/a','plugins':{},'timeout':{'connect':0,'send':1,'read':1}}",
        "invalid configuration: property \"timeout\" validation failed: property \"connect\""
            + " validation failed: expected 0 to be greater than 0");
    assertRoute(
        "{'uri':'/a','plugins':{},'timeout':{'connect':1,'read':1}}",
        "invalid configuration: property \"timeout\" validation failed: property \"send\" is"
            + " required");
  }

  @Test
  void route_hostAndHosts() {
    assertRoute(
        "{'uri':'/a','host':'a.com','hosts':['b.com'],'plugins':{}}",
        "only one of host or hosts is allowed");
    assertRoute(
        "{'uri':'/a','host':'a*b','plugins':{}}",
        "invalid configuration: property \"host\" validation failed: failed to match pattern"
            + " \"^\\*$|^\\*?[0-9a-zA-Z-._\\[\\]:]+$\" with \"a*b\"");
    assertRoute(
        "{'uri':'/a','hosts':[],'plugins':{}}",
        "invalid configuration: property \"hosts\" validation failed: expect array to have at"
            + " least 1 items");
  }

  @Test
  void route_remoteAddr() {
    assertRoute(
        "{'uri':'/a','remote_addr':'1.1.1.1','remote_addrs':['2.2.2.2'],'plugins':{}}",
        "only one of remote_addr or remote_addrs is allowed");
    assertRoute(
        "{'uri':'/a','remote_addr':'abc','plugins':{}}",
        "invalid configuration: property \"remote_addr\" validation failed: object matches none"
            + " of the required: expected an IPv4 or IPv6 address, optionally with a /prefix"
            + " length");
    assertRoute(
        "{'uri':'/a','remote_addrs':['10.0.0.0/33'],'plugins':{}}",
        "invalid configuration: property \"remote_addrs\" validation failed: failed to validate"
            + " item 1: object matches none of the required: expected an IPv4 or IPv6 address,"
            + " optionally with a /prefix length");
  }

  @Test
  void route_labels() {
    assertRoute(
        "{'uri':'/a','plugins':{},'labels':{'a':'b c'}}",
        "invalid configuration: property \"labels\" validation failed: property \"a\" validation"
            + " failed: failed to match pattern \"^\\S+$\" with \"b c\"");
    assertRoute(
        "{'uri':'/a','plugins':{},'labels':{'a':1}}",
        "invalid configuration: property \"labels\" validation failed: property \"a\" validation"
            + " failed: wrong type: expected string, got integer");
  }

  @Test
  void route_timestampsMustBeIntegers() {
    assertRoute(
        "{'uri':'/a','plugins':{},'create_time':'now'}",
        "invalid configuration: property \"create_time\" validation failed: wrong type: expected"
            + " integer, got string");
  }

  @Test
  void route_unsupportedFeatures_areRefusedByName() {
    assertRoute(
        "{'uri':'/a','upstream_id':1,'filter_func':'function(vars) return true end'}",
        "filter_func is not supported by this gateway");
    assertRoute(
        "{'uri':'/a','script':'local _M = {} return _M'}",
        "script is not supported by this gateway");
    assertRoute(
        "{'uri':'/a','upstream_id':1,'script_id':'s1'}",
        "script_id is not supported by this gateway");
    assertRoute(
        "{'uri':'/a','upstream_id':1,'filter_func':'return true'}",
        "invalid configuration: property \"filter_func\" validation failed: failed to match"
            + " pattern \"^function\" with \"return true\"");
  }

  @Test
  void route_scriptWithPlugins_failsTheSchemaFirst() {
    assertRoute(
        "{'uri':'/a','script':'local _M = {} return _M','plugins':{}}",
        "invalid configuration: value wasn't supposed to match schema: \"script\" cannot be"
            + " combined with \"plugins\" or \"plugin_config_id\"");
  }

  @Test
  void route_vars_compileFailure() {
    Optional<String> error =
        validate(ResourceType.ROUTES, "{'uri':'/a','plugins':{},'vars':[['arg_a','=','1']]}");
    assertTrue(error.isPresent());
    assertTrue(
        error.get().startsWith("failed to validate the 'vars' expression: "), error.get());
    assertRoute(
        "{'uri':'/a','plugins':{},'vars':{'a':1}}",
        "invalid configuration: property \"vars\" validation failed: wrong type: expected array,"
            + " got object");
  }

  @Test
  void route_inlineUpstream_isCheckedLikeAStoredOne() {
    assertRoute(
        "{'uri':'/a','upstream':{'nodes':{'a:1':'x'}}}",
        "invalid configuration: property \"upstream\" validation failed: property \"nodes\""
            + " validation failed: object matches none of the required: property \"a:1\""
            + " validation failed: wrong type: expected integer, got string");
    assertRoute(
        "{'uri':'/a','upstream':{'nodes':{'a:1':1},'x':1}}",
        "invalid configuration: property \"upstream\" validation failed: additional properties"
            + " forbidden, found x");
    assertRoute(
        "{'uri':'/a','upstream':{'nodes':{'a:1':1},'type':'chash'}}", "missing key");
  }

  /* --------------------------------------- plugins --------------------------------------- */

  @Test
  void plugins_unknown() {
    assertRoute("{'uri':'/a','plugins':{'foo':{}}}", "unknown plugin [foo]");
  }

  @Test
  void plugins_unknownWithTheEmptyCatalog() {
    ResourceCodec none = new ResourceCodec(PluginCatalog.NONE);
    assertEquals(
        Optional.of("unknown plugin [key-auth]"),
        none.validate(ResourceType.ROUTES, json("{'uri':'/a','plugins':{'key-auth':{}}}")));
  }

  @Test
  void plugins_confMustBeAnObject() {
    assertRoute(
        "{'uri':'/a','plugins':{'key-auth':'blah'}}",
        "invalid plugin conf \"blah\" for plugin [key-auth]");
    assertRoute(
        "{'uri':'/a','plugins':{'key-auth':[1]}}", "invalid plugin conf [1] for plugin [key-auth]");
    assertRoute(
        "{'uri':'/a','plugins':[]}",
        "invalid configuration: property \"plugins\" validation failed: wrong type: expected"
            + " object, got array");
  }

  @Test
  void plugins_catalogCheck() {
    assertRoute(
        "{'uri':'/a','plugins':{'limit-count':{}}}",
        "failed to check the configuration of plugin limit-count err: property \"count\" is"
            + " required");
    assertValid(ResourceType.ROUTES, "{'uri':'/a','plugins':{'limit-count':{'count':1}}}");
  }

  @Test
  void plugins_firstFailureInDeclarationOrder() {
    assertRoute(
        "{'uri':'/a','plugins':{'key-auth':{},'zzz':{},'limit-count':{}}}",
        "unknown plugin [zzz]");
  }

  @Test
  void plugins_meta() {
    assertValid(
        ResourceType.ROUTES,
        "{'uri':'/a','plugins':{'limit-count':{'count':1,'_meta':{'disable':true,'priority':5,"
            + "'error_response':{'m':1}}}}}");
    assertRoute(
        "{'uri':'/a','plugins':{'limit-count':{'count':1,'_meta':{'disable':1}}}}",
        "failed to check the configuration of plugin limit-count err: property \"_meta\""
            + " validation failed: property \"disable\" validation failed: wrong type: expected"
            + " boolean, got integer");
    assertRoute(
        "{'uri':'/a','plugins':{'limit-count':{'count':1,'_meta':{'foo':1}}}}",
        "failed to check the configuration of plugin limit-count err: property \"_meta\""
            + " validation failed: additional properties forbidden, found foo");
    assertRoute(
        "{'uri':'/a','plugins':{'limit-count':{'count':1,'_meta':{'pre_function':'x'}}}}",
        "failed to check the configuration of plugin limit-count err: _meta.pre_function is not"
            + " supported by this gateway");
    Optional<String> filter =
        validate(
            ResourceType.ROUTES,
            "{'uri':'/a','plugins':{'key-auth':{'_meta':{'filter':[['a','=','b']]}}}}");
    assertTrue(
        filter.orElse("").startsWith(
            "failed to check the configuration of plugin key-auth err: failed to validate the"
                + " '_meta.filter' expression: "),
        filter.toString());
  }

  /* ---------------------------------------- upstream ---------------------------------------- */

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'nodes':{'127.0.0.1:80':1,'[::1]:8080':0,'foo.com':2}}",
        "{'nodes':[{'host':'127.0.0.1','port':80,'weight':1,'priority':-1,'metadata':{}}]}",
        "{'nodes':[{'host':'[::1]','weight':1}],'scheme':'https'}",
        "{'nodes':{},'type':'least_conn'}",
        "{'nodes':[],'type':'ewma'}",
        "{'nodes':{'a:1':1},'type':'chash','key':'remote_addr'}",
        "{'nodes':{'a:1':1},'type':'chash','key':'arg_user-id'}",
        "{'nodes':{'a:1':1},'type':'chash','hash_on':'header','key':'X-User'}",
        "{'nodes':{'a:1':1},'type':'chash','hash_on':'cookie','key':'sid'}",
        "{'nodes':{'a:1':1},'type':'chash','hash_on':'consumer'}",
        "{'nodes':{'a:1':1},'type':'chash','hash_on':'vars_combinations','key':'$host$uri'}",
        "{'nodes':{'a:1':1},'pass_host':'rewrite','upstream_host':'example.com'}",
        "{'nodes':{'a:1':1},'retries':0,'retry_timeout':0.5,'timeout':{'connect':1,'send':2,"
            + "'read':3},'keepalive_pool':{'size':1,'idle_timeout':0,'requests':1}}",
        "{'id':1,'name':'u','desc':'d','labels':{'k':'v'},'nodes':{'a:1':1},"
            + "'create_time':1,'update_time':2}",
      })
  void upstream_valid(String body) {
    assertValid(ResourceType.UPSTREAMS, body);
  }

  @Test
  void upstream_needsNodes() {
    assertUpstream(
        "{'type':'roundrobin'}",
        "invalid configuration: value should match only one schema, but matches none: an upstream"
            + " needs exactly one of \"nodes\" or \"service_name\" with \"discovery_type\"");
  }

  @Test
  void upstream_nodes() {
    assertUpstream(
        "{'nodes':[{'host':'a'}]}",
        "invalid configuration: property \"nodes\" validation failed: object matches none of the"
            + " required: failed to validate item 1: property \"weight\" is required");
    assertUpstream(
        "{'nodes':{'a:1':-1}}",
        "invalid configuration: property \"nodes\" validation failed: object matches none of the"
            + " required: property \"a:1\" validation failed: expected -1 to be at least 0");
    assertUpstream(
        "{'nodes':'a:1'}",
        "invalid configuration: property \"nodes\" validation failed: object matches none of the"
            + " required: wrong type: expected object or array, got string");
    assertUpstream(
        "{'nodes':[{'host':'a','port':0,'weight':1}]}",
        "invalid configuration: property \"nodes\" validation failed: object matches none of the"
            + " required: failed to validate item 1: property \"port\" validation failed:"
            + " expected 0 to be at least 1");
  }

  @Test
  void upstream_ipv6MustBeBracketed() {
    String expected = "invalid configuration: IPv6 address must be enclosed with '[' and ']'";
    assertUpstream("{'nodes':[{'host':'::1','port':80,'weight':1}]}", expected);
    assertUpstream("{'nodes':{'::1:80':1}}", expected);
    assertUpstream(
        "{'nodes':[{'host':'foo:80','weight':1}]}",
        "invalid configuration: property \"nodes\" validation failed: failed to validate item 1:"
            + " invalid host \"foo:80\" (a port belongs in \"port\")");
    assertUpstream(
        "{'nodes':[{'host':'[zz]','weight':1}]}",
        "invalid configuration: property \"nodes\" validation failed: failed to validate item 1:"
            + " invalid IPv6 address \"[zz]\"");
  }

  @Test
  void upstream_port() {
    assertUpstream("{'nodes':{'127.0.0.1:70000':1}}", "invalid port 70000");
    assertUpstream("{'nodes':{'127.0.0.1:0':1}}", "invalid port 0");
    assertUpstream("{'nodes':{'127.0.0.1:http':1}}", "invalid port http");
    assertUpstream("{'nodes':{'[::1]:99999':1}}", "invalid port 99999");
    assertUpstream(
        "{'nodes':{'a b:80':1}}",
        "invalid configuration: property \"nodes\" validation failed: invalid node address \"a"
            + " b:80\"");
  }

  @Test
  void upstream_passHostRewrite() {
    assertUpstream(
        "{'nodes':{'a:1':1},'pass_host':'rewrite'}",
        "`upstream_host` can't be empty when `pass_host` is `rewrite`");
    assertUpstream(
        "{'nodes':{'a:1':1},'pass_host':'bogus'}",
        "invalid configuration: property \"pass_host\" validation failed: matches none of the"
            + " enum values");
  }

  @Test
  void upstream_chash() {
    assertUpstream("{'nodes':{'a:1':1},'type':'chash'}", "missing key");
    assertUpstream("{'nodes':{'a:1':1},'type':'chash','hash_on':'header'}", "missing key");
    assertUpstream(
        "{'nodes':{'a:1':1},'type':'chash','key':'not_support'}",
        "invalid configuration: failed to match pattern"
            + " \"^((uri|server_name|server_addr|request_uri|remote_port|remote_addr|query_string|host|hostname|mqtt_client_id)|arg_[0-9a-zA-z_-]+)$\""
            + " with \"not_support\" (upstream \"key\" for hash_on vars)");
    assertUpstream(
        "{'nodes':{'a:1':1},'type':'chash','hash_on':'cookie','key':'a b'}",
        "invalid configuration: failed to match pattern \"^[a-zA-Z0-9-_]+$\" with \"a b\""
            + " (upstream \"key\" for hash_on cookie)");
  }

  @Test
  void upstream_typeAndScheme() {
    assertUpstream(
        "{'nodes':{'a:1':1},'type':'random'}",
        "invalid configuration: property \"type\" validation failed: matches none of the enum"
            + " values");
    assertUpstream(
        "{'nodes':{'a:1':1},'scheme':'grpc'}",
        "upstream scheme grpc is not supported by this gateway");
    assertUpstream(
        "{'nodes':{'a:1':1},'scheme':'ftp'}",
        "invalid configuration: property \"scheme\" validation failed: matches none of the enum"
            + " values");
  }

  @Test
  void upstream_unsupportedFeatures_areRefusedByName() {
    assertUpstream(
        "{'service_name':'svc','discovery_type':'dns'}",
        "service discovery (service_name, discovery_type) is not supported by this gateway");
    assertUpstream(
        "{'nodes':{'a:1':1},'tls':{'verify':true}}",
        "upstream tls is not supported by this gateway");
    assertUpstream(
        "{'nodes':{'a:1':1},'checks':{'active':{'http_path':'/health'}}}",
        "upstream checks (health checking) is not supported by this gateway");
  }

  @Test
  void upstream_limits() {
    assertUpstream(
        "{'nodes':{'a:1':1},'retries':-1}",
        "invalid configuration: property \"retries\" validation failed: expected -1 to be at least"
            + " 0");
    assertUpstream(
        "{'nodes':{'a:1':1},'keepalive_pool':{'size':0}}",
        "invalid configuration: property \"keepalive_pool\" validation failed: property \"size\""
            + " validation failed: expected 0 to be at least 1");
    assertUpstream(
        "{'nodes':{'a:1':1},'timeout':{'connect':1,'send':1,'read':-1}}",
        "invalid configuration: property \"timeout\" validation failed: property \"read\""
            + " validation failed: expected -1 to be greater than 0");
  }

  /* -------------------------------- service, consumer, others -------------------------------- */

  @Test
  void service() {
    assertValid(
        ResourceType.SERVICES,
        "{'name':'s','hosts':['a.com'],'upstream':{'nodes':{'a:1':1}},'plugins':{'key-auth':{}},"
            + "'enable_websocket':false,'labels':{'a':'b'}}");
    assertValid(ResourceType.SERVICES, "{'upstream_id':'u1'}");
    assertValid(ResourceType.SERVICES, "{}");
    assertError(
        ResourceType.SERVICES,
        "{'host':'a.com'}",
        "invalid configuration: additional properties forbidden, found host");
    assertError(
        ResourceType.SERVICES,
        "{'script':'local _M = {} return _M'}",
        "script is not supported by this gateway");
    assertError(
        ResourceType.SERVICES,
        "{'upstream':{'nodes':{'a:1':1},'pass_host':'rewrite'}}",
        "`upstream_host` can't be empty when `pass_host` is `rewrite`");
    assertError(ResourceType.SERVICES, "{'plugins':{'nope':{}}}", "unknown plugin [nope]");
  }

  @Test
  void consumer() {
    assertValid(
        ResourceType.CONSUMERS,
        "{'username':'jack_1-x','desc':'d','group_id':'g','plugins':{'key-auth':{'key':'k'}},"
            + "'labels':{'a':'b'}}");
    assertError(
        ResourceType.CONSUMERS,
        "{'plugins':{}}",
        "invalid configuration: property \"username\" is required");
    assertError(
        ResourceType.CONSUMERS,
        "{'username':'a.b'}",
        "invalid configuration: property \"username\" validation failed: failed to match pattern"
            + " \"^[a-zA-Z0-9_\\-]+$\" with \"a.b\"");
    assertError(
        ResourceType.CONSUMERS,
        "{'username':'a','plugins':{'basic-auth':'blah'}}",
        "invalid plugins configuration: invalid plugin conf \"blah\" for plugin [basic-auth]");
    assertError(
        ResourceType.CONSUMERS,
        "{'username':'a','plugins':{'basic-auth':{}}}",
        "invalid plugins configuration: unknown plugin [basic-auth]");
    assertError(
        ResourceType.CONSUMERS,
        "{'username':'a','plugins':{'limit-count':{}}}",
        "invalid plugins configuration: failed to check the configuration of plugin limit-count"
            + " err: property \"count\" is required");
  }

  @Test
  void pluginConfig() {
    assertValid(
        ResourceType.PLUGIN_CONFIGS,
        "{'id':'pc1','name':'any name','desc':'d','labels':{'a':'b'},'plugins':{}}");
    assertError(
        ResourceType.PLUGIN_CONFIGS,
        "{'id':'pc1'}",
        "invalid configuration: property \"plugins\" is required");
    assertError(
        ResourceType.PLUGIN_CONFIGS,
        "{'plugins':{'x':{}}}",
        "unknown plugin [x]");
  }

  @Test
  void globalRule() {
    assertValid(ResourceType.GLOBAL_RULES, "{'id':1,'plugins':{'key-auth':{}}}");
    assertError(
        ResourceType.GLOBAL_RULES,
        "{'id':1,'plugins':{},'name':'x'}",
        "invalid configuration: additional properties forbidden, found name");
    assertError(
        ResourceType.GLOBAL_RULES,
        "{'id':1}",
        "invalid configuration: property \"plugins\" is required");
  }

  @Test
  void nonObjectBody() {
    assertEquals(
        Optional.of("invalid configuration: expected a JSON object, got array"),
        CODEC.validate(ResourceType.ROUTES, json("[]")));
    assertEquals(
        Optional.of("invalid configuration: expected a JSON object, got null"),
        CODEC.validate(ResourceType.ROUTES, null));
  }
}
