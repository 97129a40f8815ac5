package org.apigw.plugins.auth;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes JWS tokens for tests, with JDK primitives. ES* signatures are produced in DER and
 * converted to JOSE's fixed-width {@code r || s} here, independently of how the plugin verifies.
 */
public final class JwtSigner {

  private JwtSigner() {}

  /** {@code {"alg":<alg>,"typ":"JWT"}} over {@code payloadJson}, signed with {@code key}. */
  public static String token(String alg, Key key, String payloadJson) {
    return sign(alg, key, "{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}", payloadJson);
  }

  /** A token with a given header; {@code signAs} picks the signing algorithm. */
  public static String sign(String signAs, Key key, String headerJson, String payloadJson) {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
    return input + "." + b64.encodeToString(signature(signAs, key, input.getBytes(StandardCharsets.US_ASCII)));
  }

  public static SecretKeySpec secret(String alg, String secret) {
    return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "Hmac" + alg);
  }

  private static byte[] signature(String alg, Key key, byte[] input) {
    try {
      String bits = alg.substring(2);
      switch (alg.substring(0, 2)) {
        case "HS" -> {
          Mac mac = Mac.getInstance("HmacSHA" + bits);
          mac.init(new SecretKeySpec(key.getEncoded(), "HmacSHA" + bits));
          return mac.doFinal(input);
        }
        case "RS" -> {
          return sign("SHA" + bits + "withRSA", null, (PrivateKey) key, input);
        }
        case "PS" -> {
          int len = Integer.parseInt(bits) / 8;
          PSSParameterSpec spec =
              new PSSParameterSpec("SHA-" + bits, "MGF1", new MGF1ParameterSpec("SHA-" + bits), len, 1);
          return sign("RSASSA-PSS", spec, (PrivateKey) key, input);
        }
        case "ES" -> {
          int width = bits.equals("512") ? 66 : Integer.parseInt(bits) / 8;
          return derToJose(sign("SHA" + bits + "withECDSA", null, (PrivateKey) key, input), width);
        }
        default -> {
          return sign("EdDSA", null, (PrivateKey) key, input);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sign(String jca, PSSParameterSpec spec, PrivateKey key, byte[] input)
      throws GeneralSecurityException {
    Signature s = Signature.getInstance(jca);
    if (spec != null) {
      s.setParameter(spec);
    }
    s.initSign(key);
    s.update(input);
    return s.sign();
  }

  /** DER {@code SEQUENCE { INTEGER r, INTEGER s }} to {@code r || s}, each left-padded to width. */
  static byte[] derToJose(byte[] der, int width) {
    int pos = 2;
    if ((der[1] & 0x80) != 0) {
      pos += der[1] & 0x7f; // long-form sequence length (P-521)
    }
    byte[] out = new byte[2 * width];
    for (int i = 0; i < 2; i++) {
      int len = der[pos + 1];
      byte[] v = new BigInteger(1, Arrays.copyOfRange(der, pos + 2, pos + 2 + len)).toByteArray();
      int skip = v.length > width ? v.length - width : 0; // a leading sign byte
      System.arraycopy(v, skip, out, (i + 1) * width - (v.length - skip), v.length - skip);
      pos += 2 + len;
    }
    return out;
  }

  public static KeyPair rsa() {
    return generate("RSA", 2048);
  }

  public static KeyPair ec(String curve) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec(curve));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair ed25519() {
    return generate("Ed25519", 0);
  }

  private static KeyPair generate(String alg, int size) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
      if (size > 0) {
        g.initialize(size);
      }
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code -----BEGIN PUBLIC KEY-----} PEM of {@code key}. */
  public static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }
}
