package org.apigw.expr;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The compiled expression nodes. Each leaf holds its variable name, its precompiled right-hand
 * side and its {@code !} flag; {@link Expr#test} allocates nothing beyond what {@link
 * VarResolver#var} returns.
 */
final class Rules {
  private Rules() {}

  static final Expr TRUE = new Const(true);

  static Expr and(List<Expr> parts) {
    return parts.size() == 1 ? parts.get(0) : new And(parts.toArray(new Expr[0]));
  }

  static Expr or(List<Expr> parts) {
    return parts.size() == 1 ? parts.get(0) : new Or(parts.toArray(new Expr[0]));
  }

  /** The root: keeps the source text for {@link #toString}. */
  static final class Source implements Expr {
    private final Expr root;
    private final String text;

    Source(Expr root, String text) {
      this.root = root;
      this.text = text;
    }

    @Override
    public boolean test(VarResolver vars) {
      return root.test(vars);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  static final class Const implements Expr {
    private final boolean value;

    Const(boolean value) {
      this.value = value;
    }

    @Override
    public boolean test(VarResolver vars) {
      return value;
    }

    @Override
    public String toString() {
      return String.valueOf(value);
    }
  }

  static final class And implements Expr {
    private final Expr[] parts;

    And(Expr[] parts) {
      this.parts = parts;
    }

    @Override
    public boolean test(VarResolver vars) {
      for (Expr e : parts) {
        if (!e.test(vars)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String toString() {
      return "AND" + Arrays.toString(parts);
    }
  }

  static final class Or implements Expr {
    private final Expr[] parts;

    Or(Expr[] parts) {
      this.parts = parts;
    }

    @Override
    public boolean test(VarResolver vars) {
      for (Expr e : parts) {
        if (e.test(vars)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return "OR" + Arrays.toString(parts);
    }
  }

  static final class Not implements Expr {
    private final Expr inner;

    Not(Expr inner) {
      this.inner = inner;
    }

    @Override
    public boolean test(VarResolver vars) {
      return !inner.test(vars);
    }

    @Override
    public String toString() {
      return "NOT " + inner;
    }
  }

  /** A comparison leaf: {@code test = compare(var) XOR negate}. */
  abstract static class Leaf implements Expr {
    final String name;
    final boolean negate;

    Leaf(String name, boolean negate) {
      this.name = name;
      this.negate = negate;
    }

    @Override
    public final boolean test(VarResolver vars) {
      return compare(vars.var(name)) != negate;
    }

    abstract boolean compare(String value);

    @Override
    public String toString() {
      return getClass().getSimpleName() + "(" + name + (negate ? ", !" : "") + ")";
    }
  }

  /** {@code == nil} (or {@code ~= nil} when negated). */
  static final class IsNil extends Leaf {
    IsNil(String name, boolean negate) {
      super(name, negate);
    }

    @Override
    boolean compare(String value) {
      return value == null;
    }
  }

  /** String {@code ==} (or {@code ~=} when negated). */
  static final class StrEq extends Leaf {
    private final String expected;

    StrEq(String name, String expected, boolean negate) {
      super(name, negate);
      this.expected = expected;
    }

    @Override
    boolean compare(String value) {
      return expected.equals(value);
    }
  }

  /** {@code tonumber(var) == n} (or {@code ~=} when negated; non-numbers are then unequal). */
  static final class NumEq extends Leaf {
    private final double expected;

    NumEq(String name, double expected, boolean negate) {
      super(name, negate);
      this.expected = expected;
    }

    @Override
    boolean compare(String value) {
      return LuaNumber.parse(value) == expected; // NaN (not a number) is never equal
    }
  }

  static final class NumCmp extends Leaf {
    private final int kind; // 0 >, 1 >=, 2 <, 3 <=
    private final double bound;

    NumCmp(String name, String op, double bound, boolean negate) {
      super(name, negate);
      this.bound = bound;
      switch (op) {
        case ">":
          kind = 0;
          break;
        case ">=":
          kind = 1;
          break;
        case "<":
          kind = 2;
          break;
        default:
          kind = 3;
      }
    }

    @Override
    boolean compare(String value) {
      double v = LuaNumber.parse(value);
      if (Double.isNaN(v)) {
        return false;
      }
      switch (kind) {
        case 0:
          return v > bound;
        case 1:
          return v >= bound;
        case 2:
          return v < bound;
        default:
          return v <= bound;
      }
    }
  }

  /**
   * Regex find. A {@link Matcher} per thread and rule is reused (reset to "" after use, so it
   * does not pin the request's string), which keeps evaluation allocation-free.
   */
  static final class Regex extends Leaf {
    private final Pattern pattern;
    private final ThreadLocal<Matcher> matchers;

    Regex(String name, Pattern pattern, boolean negate) {
      super(name, negate);
      this.pattern = pattern;
      this.matchers = ThreadLocal.withInitial(() -> pattern.matcher(""));
    }

    @Override
    boolean compare(String value) {
      if (value == null) {
        return false;
      }
      Matcher m = matchers.get();
      m.reset(value);
      boolean found = m.find();
      m.reset("");
      return found;
    }

    @Override
    public String toString() {
      return "Regex(" + name + (negate ? ", !" : "") + ", " + pattern + ")";
    }
  }

  static final class In extends Leaf {
    private final String[] values;
    private final Set<String> set;

    In(String name, String[] values, boolean negate) {
      super(name, negate);
      this.values = values;
      this.set = values.length > 8 ? new HashSet<>(Arrays.asList(values)) : null;
    }

    @Override
    boolean compare(String value) {
      if (value == null) {
        return false;
      }
      if (set != null) {
        return set.contains(value);
      }
      for (String v : values) {
        if (v.equals(value)) {
          return true;
        }
      }
      return false;
    }
  }

  /** The variable, read as a comma-separated list, has an element equal to the value. */
  static final class Has extends Leaf {
    private final String element;

    Has(String name, String element, boolean negate) {
      super(name, negate);
      this.element = element;
    }

    @Override
    boolean compare(String value) {
      if (value == null) {
        return false;
      }
      int n = value.length();
      int start = 0;
      while (start <= n) {
        int end = value.indexOf(',', start);
        if (end < 0) {
          end = n;
        }
        int a = start;
        int b = end;
        while (a < b && isOws(value.charAt(a))) {
          a++;
        }
        while (b > a && isOws(value.charAt(b - 1))) {
          b--;
        }
        if (b - a == element.length() && value.regionMatches(a, element, 0, b - a)) {
          return true;
        }
        start = end + 1;
      }
      return false;
    }

    private static boolean isOws(char c) {
      return c == ' ' || c == '\t';
    }
  }

  static final class IpMatch extends Leaf {
    private final CidrMatcher matcher;

    IpMatch(String name, CidrMatcher matcher, boolean negate) {
      super(name, negate);
      this.matcher = matcher;
    }

    @Override
    boolean compare(String value) {
      return matcher.matches(value);
    }
  }
}
