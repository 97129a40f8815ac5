package org.apigw.fallback;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When the control plane dumps its config to object storage: API7's {@code fallback_cp.cron_spec},
 * in the syntax of the Go cron library API7 uses (robfig/cron v3): {@code @every <duration>}
 * (Go durations such as {@code 30s}, {@code 1m}, {@code 1h30m}; at least one second), the
 * descriptors {@code @yearly @annually @monthly @weekly @daily @midnight @hourly}, or five fields
 * {@code minute hour day-of-month month day-of-week} with {@code *}, {@code ?}, lists, ranges,
 * steps and month/day names, optionally after {@code CRON_TZ=<zone>}. As in cron, when both day
 * fields are restricted a day matching either one fires.
 *
 * <p>Immutable; {@link #next} is pure.
 */
public final class CronSpec {

  private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
  private static final Map<String, String> DESCRIPTORS =
      Map.of(
          "@yearly", "0 0 1 1 *",
          "@annually", "0 0 1 1 *",
          "@monthly", "0 0 1 * *",
          "@weekly", "0 0 * * 0",
          "@daily", "0 0 * * *",
          "@midnight", "0 0 * * *",
          "@hourly", "0 * * * *");
  private static final List<String> MONTHS =
      List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
  private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");
  /** No schedule of five fields is silent for longer (Feb 29 on a given weekday: 28 years). */
  private static final long SEARCH_MINUTES = 60L * 24 * 366 * 29;

  private final String text;
  private final Duration every; // null for a field schedule
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet daysOfMonth;
  private final BitSet months;
  private final BitSet daysOfWeek;
  private final boolean eitherDay;
  private final ZoneId zone;

  private CronSpec(
      String text, Duration every, BitSet minutes, BitSet hours, BitSet daysOfMonth, BitSet months, BitSet daysOfWeek,
      boolean eitherDay, ZoneId zone) {
    this.text = text;
    this.every = every;
    this.minutes = minutes;
    this.hours = hours;
    this.daysOfMonth = daysOfMonth;
    this.months = months;
    this.daysOfWeek = daysOfWeek;
    this.eitherDay = eitherDay;
    this.zone = zone;
  }

  /**
   * @param defaultZone the zone of field schedules without {@code CRON_TZ=}
   * @throws IllegalArgumentException saying what is wrong with {@code spec}
   */
  public static CronSpec parse(String spec, ZoneId defaultZone) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty cron spec");
    }
    String s = spec.strip();
    ZoneId zone = defaultZone;
    if (s.startsWith("CRON_TZ=") || s.startsWith("TZ=")) {
      int space = s.indexOf(' ');
      if (space < 0) {
        throw new IllegalArgumentException("'" + spec + "': a time zone but no schedule");
      }
      String name = s.substring(s.indexOf('=') + 1, space);
      try {
        zone = ZoneId.of(name);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("'" + spec + "': unknown time zone " + name);
      }
      s = s.substring(space + 1).strip();
    }
    if (s.startsWith("@every ")) {
      Duration d = goDuration(s.substring("@every ".length()).strip(), spec);
      if (d.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new IllegalArgumentException("'" + spec + "': @every needs at least 1s");
      }
      return new CronSpec(spec, d, null, null, null, null, null, false, zone);
    }
    if (s.startsWith("@")) {
      String fields = DESCRIPTORS.get(s.toLowerCase(Locale.ROOT));
      if (fields == null) {
        throw new IllegalArgumentException("'" + spec + "': unknown descriptor " + s);
      }
      s = fields;
    }
    String[] f = s.split("\\s+");
    if (f.length != 5) {
      throw new IllegalArgumentException(
          "'" + spec + "': expected 5 fields (minute hour day-of-month month day-of-week), @every <duration> or a"
              + " descriptor such as @hourly, got " + f.length + " fields");
    }
    BitSet dow = field(f[4], 0, 7, DAYS, "day-of-week", spec);
    if (dow.get(7)) {
      dow.set(0); // 7 is Sunday too
    }
    boolean domStar = f[2].startsWith("*") || f[2].startsWith("?");
    boolean dowStar = f[4].startsWith("*") || f[4].startsWith("?");
    return new CronSpec(
        spec,
        null,
        field(f[0], 0, 59, null, "minute", spec),
        field(f[1], 0, 23, null, "hour", spec),
        field(f[2], 1, 31, null, "day-of-month", spec),
        field(f[3], 1, 12, MONTHS, "month", spec),
        dow,
        !domStar && !dowStar,
        zone);
  }

  /** The first activation strictly after {@code after}. */
  public Instant next(Instant after) {
    if (every != null) {
      return after.truncatedTo(ChronoUnit.SECONDS).plus(every);
    }
    ZonedDateTime t = after.atZone(zone).truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
    for (long i = 0; i < SEARCH_MINUTES; i++, t = t.plusMinutes(1)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).withHour(0).withMinute(0).plusMonths(1).minusMinutes(1);
        continue;
      }
      if (!dayMatches(t)) {
        t = t.withHour(23).withMinute(59);
        continue;
      }
      if (!hours.get(t.getHour())) {
        t = t.withMinute(59);
        continue;
      }
      if (minutes.get(t.getMinute())) {
        return t.toInstant();
      }
    }
    throw new IllegalStateException("'" + text + "' never fires");
  }

  private boolean dayMatches(ZonedDateTime t) {
    boolean dom = daysOfMonth.get(t.getDayOfMonth());
    boolean dow = daysOfWeek.get(t.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : t.getDayOfWeek().getValue());
    return eitherDay ? dom || dow : dom && dow;
  }

  @Override
  public String toString() {
    return text;
  }

  private static BitSet field(String field, int min, int max, List<String> names, String what, String spec) {
    BitSet bits = new BitSet(max + 1);
    for (String part : field.split(",", -1)) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), null, 0, what, spec);
        if (step < 1) {
          throw new IllegalArgumentException("'" + spec + "': " + what + " step must be at least 1 in '" + part + "'");
        }
      }
      int lo;
      int hi;
      if (range.equals("*") || range.equals("?")) {
        lo = min;
        hi = max;
      } else {
        int dash = range.indexOf('-');
        lo = number(dash < 0 ? range : range.substring(0, dash), names, min, what, spec);
        hi = dash < 0 ? (slash >= 0 ? max : lo) : number(range.substring(dash + 1), names, min, what, spec);
      }
      if (lo < min || hi > max || lo > hi) {
        throw new IllegalArgumentException(
            "'" + spec + "': " + what + " '" + part + "' is outside " + min + "-" + max);
      }
      for (int v = lo; v <= hi; v += step) {
        bits.set(v);
      }
    }
    return bits;
  }

  private static int number(String text, List<String> names, int base, String what, String spec) {
    if (names != null) {
      int at = names.indexOf(text.toUpperCase(Locale.ROOT));
      if (at >= 0) {
        return at + base;
      }
    }
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + spec + "': " + what + " '" + text + "' is not a number");
    }
  }

  /** A Go duration string: one or more {@code <number><unit>}, e.g. {@code 1h30m}, {@code 1.5s}. */
  static Duration goDuration(String text, String spec) {
    Matcher m = GO_DURATION.matcher(text);
    double nanos = 0;
    int at = 0;
    while (at < text.length() && m.find(at) && m.start() == at) {
      double value = Double.parseDouble(m.group(1));
      nanos +=
          value
              * switch (m.group(2)) {
                case "ns" -> 1;
                case "us", "µs", "μs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9; // h
              };
      at = m.end();
    }
    if (text.isEmpty() || at != text.length()) {
      throw new IllegalArgumentException("'" + spec + "': '" + text + "' is not a duration such as 30s, 1m or 1h30m");
    }
    return Duration.ofNanos((long) nanos);
  }
}
