package org.apigw.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {
  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.0/24", "0.0.0.0/0", "10.1.2.3", "255.255.255.255/32", "::1",
      "::/0", "fe80::/10", "2001:db8::1/128", "1:2:3:4:5:6:7:8", "::ffff:10.0.0.1/96",
      "1:2:3:4:5:6:1.2.3.4", "1::"})
  void validCidrs(String s) {
    assertTrue(IpLiteral.isCidr(s), s);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "localhost", "example.com/24", "256.0.0.1", "1.2.3", "1.2.3.4/33",
      "01.2.3.4", "::1/129", "1:2:3:4:5:6:7:8:9", "1::2::3", "12345::", "fe80::1%eth0",
      "1.2.3.4/", "1.2.3.4/-1", ":::", "1:2:3:4:5:6:7:8::", "[::1]", "1.2.3.4 "})
  void invalidCidrs(String s) {
    assertFalse(IpLiteral.isCidr(s), s);
  }
}
