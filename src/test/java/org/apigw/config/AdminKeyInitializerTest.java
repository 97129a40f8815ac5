package org.apigw.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminKeyInitializerTest {
  @TempDir Path dir;

  Path file(String text) throws Exception {
    Path f = dir.resolve("config.yaml");
    Files.writeString(f, text);
    return f;
  }

  GatewayConfig load(Path f) throws Exception {
    return ConfigLoader.load(ConfigLoaderTest.DEFAULTS, f, Set.of(), Map.of()).config();
  }

  AdminKeyInitializer.Result ensure(Path f) throws Exception {
    return AdminKeyInitializer.ensureKeys(f, load(f), new Random(42));
  }

  static String key(GatewayConfig c, int i) {
    return c.deployment().admin().adminKeys().get(i).key();
  }

  @Test
  void emptyKeyInTheFile_isReplacedInPlace_keepingCommentsAndLayout() throws Exception {
    String before = String.join("\n",
        "# my gateway",
        "deployment:",
        "  admin:",
        "    admin_key:",
        "      - name: admin",
        "        key: ''   # filled in at start",
        "        role: admin",
        "      - name: viewer",
        "        key: ''",
        "        role: viewer",
        "apisix:",
        "  enable_control: false",
        "");
    Path f = file(before);
    AdminKeyInitializer.Result r = ensure(f);

    assertTrue(r.fileRewritten());
    assertEquals(List.of("admin"), r.generated());
    String generated = key(r.config(), 0);
    assertTrue(generated.matches("[A-Za-z]{32}"), generated);
    assertEquals("", key(r.config(), 1), "viewer keys are not generated");
    assertEquals(before.replace("key: ''   #", "key: " + generated + "   #"), Files.readString(f));
    assertEquals(generated, key(load(f), 0), "the file reads back with the key");
    assertEquals(generated,
        r.config().tree().path("deployment").path("admin").path("admin_key").path(0)
            .path("key").asText());
  }

  @Test
  void bareAndNullKeys_areFilled() throws Exception {
    Path f = file("deployment:\n  admin:\n    admin_key:\n      - name: a\n        key:\n"
        + "        role: admin\n      - name: b\n        key: ~\n        role: admin\n");
    AdminKeyInitializer.Result r = ensure(f);
    GatewayConfig reread = load(f);
    assertEquals(List.of("a", "b"), r.generated());
    assertEquals(key(r.config(), 0), key(reread, 0));
    assertEquals(key(r.config(), 1), key(reread, 1));
    assertTrue(Files.readString(f).contains("        key: " + key(reread, 0) + "\n"));
  }

  @Test
  void entryWithoutKey_getsAKeyLine() throws Exception {
    Path f = file("deployment:\n  admin:\n    admin_key:\n      - name: admin\n"
        + "        role: admin  # only me\napisix:\n  enable_control: true\n");
    AdminKeyInitializer.Result r = ensure(f);
    String k = key(r.config(), 0);
    assertEquals("deployment:\n  admin:\n    admin_key:\n      - name: admin\n"
        + "        role: admin  # only me\n        key: " + k + "\napisix:\n  enable_control: true\n",
        Files.readString(f));
  }

  @Test
  void keyOnlyInTheDefaults_isWrittenAsANewDeploymentBlock() throws Exception {
    Path f = file("# settings\napisix:\n  enable_control: false");
    AdminKeyInitializer.Result r = ensure(f);
    String k = key(r.config(), 0);
    assertEquals("# settings\napisix:\n  enable_control: false\ndeployment:\n  admin:\n"
        + "    admin_key:\n      - name: admin\n        key: " + k + "\n        role: admin\n",
        Files.readString(f));
    assertEquals(k, key(load(f), 0));
  }

  @Test
  void keyOnlyInTheDefaults_isWrittenUnderAnExistingAdminMap() throws Exception {
    Path f = file("deployment:\n  role: traditional\n  admin:\n    allow_admin:\n"
        + "      - 10.0.0.0/8\n");
    AdminKeyInitializer.Result r = ensure(f);
    String k = key(r.config(), 0);
    assertEquals("deployment:\n  role: traditional\n  admin:\n    admin_key:\n      - name: admin\n"
        + "        key: " + k + "\n        role: admin\n    allow_admin:\n      - 10.0.0.0/8\n",
        Files.readString(f));
    assertEquals(List.of("10.0.0.0/8"), load(f).deployment().admin().allowAdmin());
  }

  @Test
  void keyOnlyInTheDefaults_isWrittenUnderAnExistingDeploymentMap() throws Exception {
    Path f = file("deployment:\n    etcd:\n        prefix: /gw\n");
    AdminKeyInitializer.Result r = ensure(f);
    GatewayConfig reread = load(f);
    assertEquals(key(r.config(), 0), key(reread, 0));
    assertEquals("/gw", reread.deployment().etcd().prefix());
    assertEquals("deployment:\n    admin:\n        admin_key:\n            - name: admin\n"
        + "              key: " + key(reread, 0) + "\n              role: admin\n"
        + "    etcd:\n        prefix: /gw\n", Files.readString(f));
  }

  @Test
  void missingFile_isCreatedWithTheKey_readableOnlyByTheOwner() throws Exception {
    Path f = dir.resolve("config.yaml");
    AdminKeyInitializer.Result r =
        AdminKeyInitializer.ensureKeys(f, load(f), new Random(1));
    assertEquals(key(r.config(), 0), key(load(f), 0));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
  }

  @Test
  void existingFilePermissions_arePreserved() throws Exception {
    Path f = file("apisix:\n  enable_admin: true\n");
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    ensure(f);
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
  }

  @Test
  void nothingToDo_whenEveryAdminKeyIsSet() throws Exception {
    Path f = Path.of("conf/config.yaml");
    GatewayConfig c = load(f);
    AdminKeyInitializer.Result r = AdminKeyInitializer.ensureKeys(f, c, new Random(1));
    assertFalse(r.fileRewritten());
    assertSame(c, r.config());
  }

  @Test
  void nothingToDo_forADataPlane_orWithoutTheAdminApi() throws Exception {
    for (String yaml : List.of(
        "deployment:\n  role: data_plane\n", "apisix:\n  enable_admin: false\n")) {
      Path f = file(yaml);
      AdminKeyInitializer.Result r = ensure(f);
      assertFalse(r.fileRewritten(), yaml);
      assertEquals(yaml, Files.readString(f));
    }
  }

  @Test
  void controlPlane_getsKeysToo() throws Exception {
    Path f = file("deployment:\n  role: control_plane\n");
    assertTrue(ensure(f).fileRewritten());
  }

  @Test
  void keyFromAnEmptyEnvVar_isAnErrorAndTheFileIsUntouched() throws Exception {
    String text = "deployment:\n  admin:\n    admin_key:\n      - name: admin\n"
        + "        key: \"${{ADMIN_KEY:=}}\"\n        role: admin\n";
    Path f = file(text);
    ConfigException e = assertThrows(ConfigException.class, () -> ensure(f));
    assertTrue(e.getMessage().startsWith("deployment->admin->admin_key[0]->key: the admin key "
        + "comes from an environment variable that is empty"), e.getMessage());
    assertEquals(text, Files.readString(f));
  }

  @Test
  void flowStyleEntry_isAnErrorAskingTheOperatorToSetTheKey() throws Exception {
    String text = "deployment:\n  admin:\n    admin_key: [{name: admin, role: admin}]\n";
    Path f = file(text);
    ConfigException e = assertThrows(ConfigException.class, () -> ensure(f));
    assertEquals("cannot write the generated admin key into config.yaml "
        + "(deployment->admin->admin_key[0] is written in flow style ({...})); "
        + "set deployment.admin.admin_key[].key there yourself", e.getMessage());
    assertEquals(text, Files.readString(f));
  }

  @Test
  void randomKey_is32Letters() {
    String k = AdminKeyInitializer.randomKey(new java.security.SecureRandom());
    assertTrue(k.matches("[A-Za-z]{32}"), k);
  }
}
