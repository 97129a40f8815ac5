package org.apigw.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * APISIX's {@code data_encryption}: plugin fields listed as {@code encrypt_fields} (key-auth
 * {@code key}, basic-auth {@code password}, …) are stored in etcd AES-CBC encrypted with the
 * first key of {@code apisix.data_encryption.keyring} (the key doubles as the IV, as in APISIX),
 * PKCS#7 padded and base64 encoded, so a value written by APISIX reads here and the other way
 * round. Decryption tries every key; a value none of them decrypts is used as it is (APISIX does
 * the same, so plain values written with etcdctl keep working).
 *
 * <p>Immutable and thread-safe ({@link Cipher} instances are made per call).
 */
public final class FieldCipher {

  /** Encrypts nothing and decrypts nothing: {@code enable_encrypt_fields: false}. */
  public static final FieldCipher OFF = new FieldCipher(List.of(), false);

  private final List<SecretKeySpec> keys;
  private final boolean encrypt;

  private FieldCipher(List<SecretKeySpec> keys, boolean encrypt) {
    this.keys = keys;
    this.encrypt = encrypt;
  }

  /**
   * @param keyring 16 characters (AES-128) or 32 (AES-256) each; the first encrypts
   * @param encrypt {@code enable_encrypt_fields}: when false, values are written as they are (and
   *     still decrypted when they were written encrypted)
   * @throws IllegalArgumentException naming the key at fault
   */
  public static FieldCipher of(List<String> keyring, boolean encrypt) {
    List<SecretKeySpec> keys = new ArrayList<>();
    for (int i = 0; i < keyring.size(); i++) {
      byte[] raw = keyring.get(i).getBytes(StandardCharsets.UTF_8);
      if (raw.length != 16 && raw.length != 32) {
        throw new IllegalArgumentException(
            "apisix.data_encryption.keyring[" + i + "] must be 16 or 32 bytes long, got " + raw.length);
      }
      keys.add(new SecretKeySpec(raw, "AES"));
    }
    return new FieldCipher(List.copyOf(keys), encrypt && !keys.isEmpty());
  }

  public String encrypt(String plain) {
    if (!encrypt) {
      return plain;
    }
    try {
      return Base64.getEncoder().encodeToString(cipher(Cipher.ENCRYPT_MODE, keys.get(0)).doFinal(plain.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES/CBC is not available", e);
    }
  }

  /** The plain text, or the value itself when it is not something a keyring key encrypted. */
  public String decrypt(String stored) {
    Optional<byte[]> raw = base64(stored);
    if (raw.isEmpty() || raw.get().length == 0 || raw.get().length % 16 != 0) {
      return stored;
    }
    for (SecretKeySpec key : keys) {
      try {
        return new String(cipher(Cipher.DECRYPT_MODE, key).doFinal(raw.get()), StandardCharsets.UTF_8);
      } catch (GeneralSecurityException e) {
        // not this key: try the next
      }
    }
    return stored;
  }

  /**
   * A copy of a resource's {@code plugins} object with {@code fields.apply(name)} of each plugin
   * conf passed through {@code transform}; the same object when nothing changes.
   */
  public JsonNode transformPlugins(JsonNode plugins, Function<String, Set<String>> fields, boolean encrypting) {
    if (plugins == null || !plugins.isObject() || keys.isEmpty() || (encrypting && !encrypt)) {
      return plugins;
    }
    ObjectNode copy = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = plugins.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> plugin = it.next();
      Set<String> names = fields.apply(plugin.getKey());
      if (names.isEmpty() || !plugin.getValue().isObject()) {
        continue;
      }
      for (String name : names) {
        JsonNode value = plugin.getValue().get(name);
        if (value == null || !value.isTextual()) {
          continue;
        }
        String changed = encrypting ? encrypt(value.textValue()) : decrypt(value.textValue());
        if (!changed.equals(value.textValue())) {
          if (copy == null) {
            copy = ((ObjectNode) plugins).deepCopy();
          }
          ((ObjectNode) copy.get(plugin.getKey())).put(name, changed);
        }
      }
    }
    return copy == null ? plugins : copy;
  }

  private static Cipher cipher(int mode, SecretKeySpec key) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/CBC/PKCS5Padding");
    cipher.init(mode, key, new IvParameterSpec(key.getEncoded(), 0, 16));
    return cipher;
  }

  private static Optional<byte[]> base64(String s) {
    try {
      return Optional.of(Base64.getDecoder().decode(s));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
