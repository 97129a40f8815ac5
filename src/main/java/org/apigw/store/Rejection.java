package org.apigw.store;

/** A value refused by the data plane: which key, at which revision, and why. */
public record Rejection(String key, long revision, String reason, long atMillis) {}
