package org.apigw.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class CidrMatcherTest {

  static CidrMatcher m(String... entries) {
    return CidrMatcher.parse(List.of(entries));
  }

  @Test
  void ipv4_exact() {
    CidrMatcher c = m("127.0.0.1");
    assertTrue(c.matches("127.0.0.1"));
    assertFalse(c.matches("127.0.0.2"));
  }

  @Test
  void ipv4_cidr() {
    CidrMatcher c = m("192.168.0.0/16");
    assertTrue(c.matches("192.168.0.1"));
    assertTrue(c.matches("192.168.255.255"));
    assertFalse(c.matches("192.169.0.1"));
  }

  @Test
  void ipv4_hostBitsIgnored_andEdgePrefixes() {
    assertTrue(m("10.1.2.3/8").matches("10.200.0.1"));
    assertTrue(m("0.0.0.0/0").matches("8.8.8.8"));
    assertTrue(m("8.8.8.8/32").matches("8.8.8.8"));
    assertFalse(m("8.8.8.8/32").matches("8.8.8.9"));
    assertTrue(m("10.0.0.0/31").matches("10.0.0.1"));
    assertFalse(m("10.0.0.0/31").matches("10.0.0.2"));
  }

  @Test
  void ipv6_exactAndCompressed() {
    CidrMatcher c = m("::1", "2001:db8::8a2e:370:7334");
    assertTrue(c.matches("::1"));
    assertTrue(c.matches("0:0:0:0:0:0:0:1"));
    assertTrue(c.matches("2001:0db8:0000:0000:0000:8a2e:0370:7334"));
    assertTrue(c.matches("2001:DB8::8A2E:370:7334"));
    assertFalse(c.matches("::2"));
  }

  @Test
  void ipv6_cidr() {
    CidrMatcher c = m("fe80::/10", "2001:db8:abcd:12::/64");
    assertTrue(c.matches("fe80::1"));
    assertTrue(c.matches("febf:ffff::1"));
    assertFalse(c.matches("fec0::1"));
    assertTrue(c.matches("2001:db8:abcd:12:ffff::1"));
    assertFalse(c.matches("2001:db8:abcd:13::1"));
    assertTrue(m("::/0").matches("1234::5678"));
    assertTrue(m("2001:db8::1/127").matches("2001:db8::"));
    assertFalse(m("2001:db8::1/128").matches("2001:db8::"));
  }

  @Test
  void ipv6_embeddedIpv4_andMappedMatchesV4Entries() {
    assertTrue(m("::ffff:10.0.0.0/104").matches("::ffff:10.9.9.9"));
    assertTrue(m("10.0.0.0/8").matches("::ffff:10.1.2.3"));
    assertFalse(m("10.0.0.0/8").matches("::ffff:11.1.2.3"));
    assertFalse(m("10.0.0.0/8").matches("::10.1.2.3")); // not mapped
  }

  @Test
  void bracketsAndZone_areAccepted() {
    assertTrue(m("::1").matches("[::1]"));
    assertTrue(m("fe80::/10").matches("fe80::1%eth0"));
  }

  @Test
  void families_doNotCross() {
    assertFalse(m("::/0").matches("1.2.3.4"));
    assertFalse(m("0.0.0.0/0").matches("::1"));
  }

  @Test
  void unparsable_isFalse() {
    CidrMatcher c = m("0.0.0.0/0", "::/0");
    for (String bad :
        new String[] {
          null, "", "localhost", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ",
          ":::", "1::2::3", "12345::", "1:2:3:4:5:6:7:8:9", ":1", "1:", "[::1", "g::1"
        }) {
      assertFalse(c.matches(bad), String.valueOf(bad));
    }
  }

  @Test
  void parse_rejectsBadEntryNamingIt() {
    for (String bad :
        new String[] {"10.0.0.0/33", "::/129", "example.com", "1.2.3.4/", "1.2.3.4/-1", "", "::1/08"}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> m(bad), bad);
      assertEquals("invalid ip address: " + bad, e.getMessage());
    }
  }

  @Test
  void parseV6_fullForms() {
    long[] out = new long[2];
    assertTrue(CidrMatcher.parseV6("1:2:3:4:5:6:7:8", 0, 15, out));
    assertEquals(0x0001000200030004L, out[0]);
    assertEquals(0x0005000600070008L, out[1]);
    assertTrue(CidrMatcher.parseV6("1::8", 0, 4, out));
    assertEquals(0x0001000000000000L, out[0]);
    assertEquals(8L, out[1]);
    assertTrue(CidrMatcher.parseV6("1:2:3:4:5:6:7::", 0, 15, out));
    assertEquals(0x0005000600070000L, out[1]);
    assertTrue(CidrMatcher.parseV6("::2:3:4:5:6:7:8", 0, 15, out));
    assertEquals(0x0000000200030004L, out[0]);
    assertTrue(CidrMatcher.parseV6("1:2:3:4:5:6:1.2.3.4", 0, 19, out));
    assertEquals(0x0005000601020304L, out[1]);
  }

  @Test
  void entries_keptAsGiven() {
    assertEquals(List.of("10.0.0.0/8", "::1"), m("10.0.0.0/8", "::1").entries());
  }
}
