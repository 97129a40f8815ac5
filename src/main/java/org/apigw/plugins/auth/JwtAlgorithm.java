package org.apigw.plugins.auth;

import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import javax.crypto.Mac;

/**
 * The JWS algorithms jwt-auth verifies (RFC 7518 §3, RFC 8037 for EdDSA), with JDK providers
 * only. The constant names are the {@code alg} header values.
 *
 * <p>ES* use the JDK's {@code ...withECDSAinP1363Format} signatures: JWS carries ECDSA signatures
 * as fixed-width {@code r || s} (IEEE P1363), which those verify directly, so no DER conversion
 * is needed. PS* use RSASSA-PSS with MGF1 over the same hash and a salt as long as the hash, as
 * RFC 7518 §3.5 requires.
 *
 * <p>{@link #verify} creates a {@link Mac} or {@link Signature} per call: neither is thread-safe
 * and a verification is rare enough next to its own cost that pooling would not pay.
 */
public enum JwtAlgorithm {
  HS256("HmacSHA256"),
  HS384("HmacSHA384"),
  HS512("HmacSHA512"),
  RS256("SHA256withRSA"),
  RS384("SHA384withRSA"),
  RS512("SHA512withRSA"),
  ES256("SHA256withECDSAinP1363Format"),
  ES384("SHA384withECDSAinP1363Format"),
  ES512("SHA512withECDSAinP1363Format"),
  PS256("RSASSA-PSS"),
  PS384("RSASSA-PSS"),
  PS512("RSASSA-PSS"),
  EdDSA("EdDSA");

  private final String jca;

  JwtAlgorithm(String jca) {
    this.jca = jca;
  }

  /** HS*: keyed with a shared secret; all others verify with a public key. */
  boolean isHmac() {
    return name().startsWith("HS");
  }

  /** The JCA name of the MAC ({@code HmacSHA256}…), for a {@code SecretKeySpec}. */
  String jcaName() {
    return jca;
  }

  /**
   * Why {@code key} cannot verify this algorithm's signatures, or null when it can: an RSA key for
   * RS and PS, an EC key on the algorithm's curve for ES (P-256, P-384, P-521), an EdDSA key for
   * EdDSA.
   */
  String keyMismatch(PublicKey key) {
    switch (name().substring(0, 2)) {
      case "RS", "PS" -> {
        return key instanceof RSAPublicKey ? null : "an RSA public key is required for " + name();
      }
      case "ES" -> {
        int expected = switch (this) {
          case ES256 -> 256;
          case ES384 -> 384;
          default -> 521;
        };
        if (!(key instanceof ECPublicKey ec)) {
          return "an EC public key is required for " + name();
        }
        int bits = ec.getParams().getCurve().getField().getFieldSize();
        return bits == expected ? null : name() + " requires a P-" + expected + " key, got a " + bits + "-bit curve";
      }
      default -> {
        return key instanceof EdECPublicKey ? null : "an Ed25519 or Ed448 public key is required for EdDSA";
      }
    }
  }

  /**
   * Whether {@code signature} is this algorithm's signature of {@code signingInput} (the ASCII
   * {@code header.payload}) under {@code key}. Malformed signatures are simply not valid.
   */
  boolean verify(Key key, byte[] signingInput, byte[] signature) {
    try {
      if (isHmac()) {
        Mac mac = Mac.getInstance(jca);
        mac.init(key);
        // constant time: a timing leak would let a caller forge a MAC byte by byte
        return MessageDigest.isEqual(mac.doFinal(signingInput), signature);
      }
      Signature verifier = Signature.getInstance(jca);
      PSSParameterSpec pss = pss();
      if (pss != null) {
        verifier.setParameter(pss);
      }
      verifier.initVerify((PublicKey) key);
      verifier.update(signingInput);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false; // wrong length, bad encoding, key the provider refuses: not a valid signature
    }
  }

  private PSSParameterSpec pss() {
    return switch (this) {
      case PS256 -> new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
      case PS384 -> new PSSParameterSpec("SHA-384", "MGF1", MGF1ParameterSpec.SHA384, 48, 1);
      case PS512 -> new PSSParameterSpec("SHA-512", "MGF1", MGF1ParameterSpec.SHA512, 64, 1);
      default -> null;
    };
  }
}
