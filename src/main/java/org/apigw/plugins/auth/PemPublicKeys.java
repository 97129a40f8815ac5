package org.apigw.plugins.auth;

import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apigw.plugin.PluginConfigException;

/**
 * Reads the {@code public_key} of a jwt-auth consumer: a PEM {@code PUBLIC KEY} (X.509
 * SubjectPublicKeyInfo, what {@code openssl pkey -pubout} writes) or a PEM {@code CERTIFICATE}
 * whose key is used. Decoded once, when the consumer conf is decoded.
 */
final class PemPublicKeys {

  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");

  private PemPublicKeys() {}

  /**
   * @param keyAlgorithm the JCA key algorithm the JWS algorithm needs ({@code RSA}, {@code EC},
   *     {@code EdDSA})
   * @throws PluginConfigException naming {@code public_key} when the text is not such a key
   */
  static PublicKey parse(String pem, String keyAlgorithm) {
    Matcher m = PEM.matcher(pem.strip());
    if (!m.find()) {
      throw invalid("not a PEM block (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)");
    }
    String type = m.group(1);
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(2));
    } catch (IllegalArgumentException e) {
      throw invalid("the PEM body is not base64");
    }
    try {
      return switch (type) {
        case "PUBLIC KEY" -> KeyFactory.getInstance(keyAlgorithm).generatePublic(new X509EncodedKeySpec(der));
        case "CERTIFICATE" ->
            CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
        default -> throw invalid("PEM type " + type + " is not supported; use PUBLIC KEY or CERTIFICATE");
      };
    } catch (GeneralSecurityException e) {
      throw invalid("not a valid " + keyAlgorithm + " public key (" + e.getMessage() + ")");
    }
  }

  static String keyAlgorithm(JwtAlgorithm alg) {
    return switch (alg.name().substring(0, 2)) {
      case "RS", "PS" -> "RSA";
      case "ES" -> "EC";
      default -> "EdDSA";
    };
  }

  private static PluginConfigException invalid(String why) {
    return new PluginConfigException("invalid public_key: " + why);
  }
}
