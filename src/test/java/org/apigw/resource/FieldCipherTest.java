package org.apigw.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FieldCipherTest {

  private static final FieldCipher APISIX_DEFAULT = FieldCipher.of(List.of("qeddd145sfvddff3", "edd1c9f0985e76a2"), true);

  // the vectors were produced with openssl: aes-128-cbc, key = iv = the keyring entry
  @Test
  void encrypt_matchesApisixAes128CbcWithTheKeyAsIv() {
    assertEquals("4y+JvURBE6ZwRbbgaryrhg==", APISIX_DEFAULT.encrypt("auth-one"));
  }

  @Test
  void decrypt_triesEveryKeyOfTheKeyring() {
    assertEquals("auth-one", APISIX_DEFAULT.decrypt("4y+JvURBE6ZwRbbgaryrhg=="));
    assertEquals("secret-2", APISIX_DEFAULT.decrypt("y7ykwEuO97akW8zQUheqUQ=="));
  }

  @Test
  void decrypt_keepsAValueNoKeyDecrypts_soPlainValuesFromEtcdctlWork() {
    assertEquals("auth-one", APISIX_DEFAULT.decrypt("auth-one"));
    assertEquals("not base64 !", APISIX_DEFAULT.decrypt("not base64 !"));
  }

  @Test
  void disabled_writesPlainText_butStillReadsEncryptedValues() {
    FieldCipher plain = FieldCipher.of(List.of("qeddd145sfvddff3"), false);
    assertEquals("auth-one", plain.encrypt("auth-one"));
    assertEquals("auth-one", plain.decrypt("4y+JvURBE6ZwRbbgaryrhg=="));
  }

  @Test
  void keyOfTheWrongLength_isRefusedWithItsPosition() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FieldCipher.of(List.of("qeddd145sfvddff3", "short"), true));
    assertEquals("apisix.data_encryption.keyring[1] must be 16 or 32 bytes long, got 5", e.getMessage());
  }

  @Test
  void transformPlugins_touchesOnlyTheListedFields_andReturnsTheSameTreeWhenNothingChanges() throws Exception {
    JsonNode plugins =
        new ObjectMapper().readTree("{\"key-auth\":{\"key\":\"auth-one\"},\"limit-count\":{\"count\":1,\"key\":\"x\"}}");
    JsonNode encrypted = APISIX_DEFAULT.transformPlugins(plugins, n -> n.equals("key-auth") ? Set.of("key") : Set.of(), true);
    assertEquals("4y+JvURBE6ZwRbbgaryrhg==", encrypted.at("/key-auth/key").asText());
    assertEquals("x", encrypted.at("/limit-count/key").asText());
    assertEquals("auth-one", plugins.at("/key-auth/key").asText(), "the input is not modified");
    JsonNode none = new ObjectMapper().readTree("{\"echo\":{}}");
    assertSame(none, APISIX_DEFAULT.transformPlugins(none, n -> Set.of("key"), true));
  }
}
