package org.apigw.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class PathNormalizerTest {

  @Test
  void plainPath_isReturnedAsIs() {
    assertEquals("/hello/world", PathNormalizer.normalize("/hello/world"));
  }

  @Test
  void percentEncoding_isDecoded() {
    assertEquals("/a b/ü", PathNormalizer.normalize("/a%20b/%C3%BC"));
  }

  @Test
  void repeatedSlashes_areMerged_andTrailingSlashKept() {
    assertEquals("/a/b/", PathNormalizer.normalize("//a///b/"));
  }

  @Test
  void dotSegments_areResolved() {
    assertEquals("/a/c", PathNormalizer.normalize("/a/./b/../c"));
    assertEquals("/a/", PathNormalizer.normalize("/a/b/.."));
    assertEquals("/admin", PathNormalizer.normalize("/public/%2e%2e/admin"));
  }

  @Test
  void escapingAboveTheRoot_isInvalid() {
    assertNull(PathNormalizer.normalize("/../etc/passwd"));
  }

  @Test
  void badEncoding_andNul_areInvalid() {
    assertNull(PathNormalizer.normalize("/a%zz"));
    assertNull(PathNormalizer.normalize("/a%2"));
    assertNull(PathNormalizer.normalize("/a%00b"));
  }

  @Test
  void encode_escapesWhatCannotTravelRaw() {
    assertEquals("/a%20b/%C3%BC", PathNormalizer.encode("/a b/ü"));
    assertEquals("/a/b:c@d", PathNormalizer.encode("/a/b:c@d"));
  }
}
