package org.apigw.fallback;

/** No usable config copy in object storage; the message names the object and the reason. */
public final class FallbackException extends Exception {
  private static final long serialVersionUID = 1L;

  public FallbackException(String message) {
    super(message);
  }

  public FallbackException(String message, Throwable cause) {
    super(message, cause);
  }
}
