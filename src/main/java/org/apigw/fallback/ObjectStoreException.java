package org.apigw.fallback;

/** An object-storage call failed; the message names the object and the reason. */
public final class ObjectStoreException extends Exception {
  private static final long serialVersionUID = 1L;

  private final boolean missing;

  public ObjectStoreException(String message, boolean missing, Throwable cause) {
    super(message, cause);
    this.missing = missing;
  }

  /** True when the call failed only because the object does not exist. */
  public boolean missing() {
    return missing;
  }
}
