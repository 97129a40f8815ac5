package org.apigw.standalone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apigw.standalone.ApisixYaml.Complete;
import org.apigw.standalone.ApisixYaml.Incomplete;
import org.apigw.standalone.ApisixYaml.Item;
import org.apigw.standalone.ApisixYaml.Refused;
import org.junit.jupiter.api.Test;

class ApisixYamlTest {

  private static ApisixYaml.Result parse(String text) {
    return ApisixYaml.parse(text, Map.of(), "apisix.yaml");
  }

  private static List<Item> items(String text) {
    return assertInstanceOf(Complete.class, parse(text)).items();
  }

  private static String refused(String text) {
    return assertInstanceOf(Refused.class, parse(text)).reason();
  }

  /* ---------------------------------------------------------------- #END */

  @Test
  void endMarker_lastLine_withOrWithoutTrailingNewline() {
    assertTrue(ApisixYaml.endsWithMarker("routes: []\n#END\n"));
    assertTrue(ApisixYaml.endsWithMarker("routes: []\n#END"));
    assertTrue(ApisixYaml.endsWithMarker("routes: []\n#END  \n\n"));
    assertTrue(ApisixYaml.endsWithMarker("routes: []\r\n#END\r\n"));
    assertTrue(ApisixYaml.endsWithMarker("#END\n"));
  }

  @Test
  void endMarker_missingOrNotAlone_isIncomplete() {
    assertFalse(ApisixYaml.endsWithMarker(""));
    assertFalse(ApisixYaml.endsWithMarker("routes: []\n"));
    assertFalse(ApisixYaml.endsWithMarker("routes: []\n#END\nupstreams: []\n"));
    assertFalse(ApisixYaml.endsWithMarker("routes: [] #END\n"));
    assertFalse(ApisixYaml.endsWithMarker("routes: []\n#EN"));
    assertFalse(ApisixYaml.endsWithMarker("routes: []\n# END\n"));
  }

  @Test
  void halfWrittenFile_isIncomplete_evenWhenItWouldNotParse() {
    Incomplete r = assertInstanceOf(Incomplete.class, parse("routes:\n  - id: 1\n    uri: /a\n  - id: {"));
    assertTrue(r.reason().contains("#END"), r.reason());
  }

  /* ---------------------------------------------------------------- items */

  @Test
  void collections_becomeItems_inFileOrder_withJsonValues() {
    List<Item> items =
        items(
            "routes:\n"
                + "  - id: r1\n"
                + "    uri: /hello\n"
                + "    upstream_id: 1\n"
                + "upstreams:\n"
                + "  - id: 1\n"
                + "    nodes:\n"
                + "      \"127.0.0.1:1980\": 1\n"
                + "    type: roundrobin\n"
                + "consumers:\n"
                + "  - username: jack\n"
                + "    plugins: {}\n"
                + "#END\n");
    assertEquals(
        List.of(
            new Item("routes", "r1", "{\"id\":\"r1\",\"uri\":\"/hello\",\"upstream_id\":1}"),
            new Item("upstreams", "1", "{\"id\":1,\"nodes\":{\"127.0.0.1:1980\":1},\"type\":\"roundrobin\"}"),
            new Item("consumers", "jack", "{\"username\":\"jack\",\"plugins\":{}}")),
        items);
  }

  @Test
  void itemWithoutUsableId_isKeyedByPosition_asApisixDoes() {
    List<Item> items =
        items("routes:\n  - uri: /a\n  - id: x\n    uri: /b\n  - id: a/b\n    uri: /c\n  - 42\n#END\n");
    assertEquals(List.of("arr_1", "x", "arr_3", "arr_4"), items.stream().map(Item::id).toList());
    assertEquals("42", items.get(3).json(), "a non-object item is handed on, for the store to reject");
  }

  @Test
  void emptyFile_orEmptyCollection_givesNoItems() {
    assertEquals(List.of(), items("#END\n"));
    assertEquals(List.of(), items("routes:\nupstreams: []\n#END\n"));
  }

  @Test
  void collectionsThisBuildDoesNotServe_arePassedOn() {
    List<Item> items = items("ssls:\n  - id: s1\n    sni: a.com\nplugins:\n  - name: real-ip\n#END\n");
    assertEquals(List.of("ssls/s1", "plugins/arr_1"), items.stream().map(i -> i.dir() + "/" + i.id()).toList());
  }

  /* ---------------------------------------------------------------- refusals */

  @Test
  void duplicateId_refusesTheWholeFile_namingIdAndCollection() {
    assertEquals(
        "found duplicate id r1 in routes",
        refused("routes:\n  - id: r1\n    uri: /a\n  - id: r1\n    uri: /b\n#END\n"));
    assertEquals(
        "found duplicate id 1 in upstreams",
        refused("upstreams:\n  - id: 1\n    nodes: {}\n  - id: \"1\"\n    nodes: {}\n#END\n"));
    assertEquals(
        "found duplicate id jack in consumers",
        refused("consumers:\n  - username: jack\n  - username: jack\n#END\n"));
  }

  @Test
  void sameIdInDifferentCollections_isFine() {
    assertEquals(2, items("routes:\n  - id: 1\n    uri: /a\nservices:\n  - id: 1\n#END\n").size());
  }

  @Test
  void unparsableYaml_isRefused_withTheLine() {
    String reason = refused("routes:\n  - id: 1\n    uri: [unclosed\n#END\n");
    assertTrue(reason.contains("apisix.yaml"), reason);
    assertTrue(reason.contains("line"), reason);
  }

  @Test
  void duplicateKeyInAnItem_isRefused() {
    String reason = refused("routes:\n  - id: 1\n    uri: /a\n    uri: /b\n#END\n");
    assertTrue(reason.contains("duplicate key") && reason.contains("uri"), reason);
  }

  @Test
  void collectionThatIsNotAList_isRefused() {
    assertEquals("routes: expected a list of objects, got a map", refused("routes:\n  id: 1\n#END\n"));
    assertEquals("upstreams: expected a list of objects, got a string", refused("upstreams: none\n#END\n"));
  }

  @Test
  void topLevelList_isRefused() {
    String reason = refused("- id: 1\n#END\n");
    assertTrue(reason.contains("must be a map"), reason);
  }

  /* ---------------------------------------------------------------- ${{VAR}} */

  @Test
  void envVariables_areSubstituted_withDefaults() {
    List<Item> items =
        ApisixYaml.parse(
                "upstreams:\n"
                    + "  - id: 1\n"
                    + "    nodes:\n"
                    + "      \"${{UP_HOST}}:${{UP_PORT:=1980}}\": 1\n"
                    + "#END\n",
                Map.of("UP_HOST", "10.0.0.7"),
                "apisix.yaml")
            instanceof Complete c
            ? c.items()
            : List.of();
    assertEquals(List.of(new Item("upstreams", "1", "{\"id\":1,\"nodes\":{\"10.0.0.7:1980\":1}}")), items);
  }

  @Test
  void missingEnvVariable_refusesTheFile_namingIt() {
    String reason = refused("routes:\n  - id: 1\n    uri: ${{ROUTE_URI}}\n#END\n");
    assertTrue(reason.contains("ROUTE_URI") && reason.contains("line 3"), reason);
  }

  @Test
  void envVariableInAComment_isIgnored() {
    assertEquals(1, items("# uses ${{NOT_SET}}\nroutes:\n  - id: 1\n    uri: /a\n#END\n").size());
  }
}
