package org.apigw.fallback;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class CronSpecTest {

  private static Instant next(String spec, String after) {
    return CronSpec.parse(spec, ZoneOffset.UTC).next(Instant.parse(after));
  }

  @Test
  void every_takesGoDurations_andCountsFromTheLastRun() {
    assertEquals(Instant.parse("2026-11-25T10:01:00Z"), next("@every 1m", "2026-11-25T10:00:00.400Z"));
    assertEquals(Instant.parse("2026-11-25T11:30:05Z"), next("@every 1h30m", "2026-11-25T10:00:05Z"));
    assertEquals(Duration.ofMillis(1500), CronSpec.goDuration("1.5s", "x"));
    assertEquals(Duration.ofSeconds(90), CronSpec.goDuration("1m30s", "x"));
  }

  @Test
  void descriptors_areTheirFiveFieldForms() {
    assertEquals(Instant.parse("2026-11-25T11:00:00Z"), next("@hourly", "2026-11-25T10:00:00Z"));
    assertEquals(Instant.parse("2026-11-26T00:00:00Z"), next("@daily", "2026-11-25T10:00:00Z"));
    assertEquals(Instant.parse("2026-11-29T00:00:00Z"), next("@weekly", "2026-11-25T10:00:00Z"), "the next Sunday");
    assertEquals(Instant.parse("2027-01-01T00:00:00Z"), next("@yearly", "2026-11-25T10:00:00Z"));
  }

  @Test
  void fields_listsRangesStepsAndNames() {
    assertEquals(Instant.parse("2026-11-25T10:15:00Z"), next("*/15 * * * *", "2026-11-25T10:00:00Z"));
    assertEquals(Instant.parse("2026-11-25T14:05:00Z"), next("5 9-17/5 * * *", "2026-11-25T10:00:00Z"));
    assertEquals(Instant.parse("2026-11-27T03:00:00Z"), next("0 3 * * FRI", "2026-11-25T10:00:00Z"));
    assertEquals(Instant.parse("2027-02-01T00:00:00Z"), next("0 0 1 feb *", "2026-11-25T10:00:00Z"));
    assertEquals(Instant.parse("2026-11-25T10:30:00Z"), next("0,30 * * * *", "2026-11-25T10:00:00Z"));
  }

  @Test
  void bothDayFieldsRestricted_eitherOneFires() {
    // the 1st of the month or any Friday: Friday 27th comes first
    assertEquals(Instant.parse("2026-11-27T00:00:00Z"), next("0 0 1 * 5", "2026-11-25T10:00:00Z"));
    // day-of-month restricted, day-of-week '*': only the 1st
    assertEquals(Instant.parse("2026-12-01T00:00:00Z"), next("0 0 1 * *", "2026-11-25T10:00:00Z"));
  }

  @Test
  void timeZone_prefix() {
    CronSpec tokyo = CronSpec.parse("CRON_TZ=Asia/Tokyo 0 9 * * *", ZoneId.of("UTC"));
    assertEquals(Instant.parse("2026-11-26T00:00:00Z"), tokyo.next(Instant.parse("2026-11-25T10:00:00Z")));
  }

  @Test
  void mistakes_areNamed() {
    assertEquals("'* * *': expected 5 fields (minute hour day-of-month month day-of-week), @every <duration> or a"
        + " descriptor such as @hourly, got 3 fields",
        assertThrows(IllegalArgumentException.class, () -> CronSpec.parse("* * *", ZoneOffset.UTC)).getMessage());
    assertEquals("'61 * * * *': minute '61' is outside 0-59",
        assertThrows(IllegalArgumentException.class, () -> CronSpec.parse("61 * * * *", ZoneOffset.UTC)).getMessage());
    assertEquals("'@every 100ms': @every needs at least 1s",
        assertThrows(IllegalArgumentException.class, () -> CronSpec.parse("@every 100ms", ZoneOffset.UTC)).getMessage());
    assertEquals("'@sometimes': unknown descriptor @sometimes",
        assertThrows(IllegalArgumentException.class, () -> CronSpec.parse("@sometimes", ZoneOffset.UTC)).getMessage());
  }
}
