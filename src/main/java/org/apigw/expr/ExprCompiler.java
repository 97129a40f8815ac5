package org.apigw.expr;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles lua-resty-expr (v1) expressions. Follows {@code resty/expr/v1.lua}:
 *
 * <ul>
 *   <li>top level: {@code []} is always true; a top level whose first element is neither an array
 *       nor a logical operator is {@code rule should be wrapped inside brackets};
 *   <li>{@code [[rule], [rule], ...]} is AND; {@code ["AND"|"OR"|"!AND"|"!OR", expr, expr, ...]}
 *       needs at least two operands ({@code rule too short}); operands nest;
 *   <li>a rule is {@code [var, op, value]} or {@code [var, "!", op, value]} (anything else in the
 *       second slot of a four-element rule is {@code bad 'not' expression}); {@code op} is
 *       case-insensitive; the two-element compatibility form {@code [var, value]} means {@code
 *       [var, "==", lower(value)]} (lua-resty-expr lower-cases it, and so do we);
 *   <li>a JSON {@code null} value is Lua nil: {@code [var, "==", null]} is true when the variable
 *       is missing.
 * </ul>
 *
 * <p>Evaluation (missing variable = nil):
 *
 * <ul>
 *   <li>{@code ==} / {@code ~=}: against a JSON number the variable goes through Lua {@code
 *       tonumber} (not a number: {@code ==} false, {@code ~=} true); otherwise plain string
 *       equality, so a missing variable is never {@code ==} a string and always {@code ~=} it;
 *   <li>{@code > >= < <=}: both sides through {@code tonumber}; false if either is not a number;
 *   <li>{@code ~~} / {@code ~*}: regex find (Java syntax, close to PCRE), case-insensitive for
 *       {@code ~*}; false for a missing variable. Regexes compile at compile time;
 *   <li>{@code in}: the value must be an array; true if a string element equals the variable (as
 *       in Lua, number elements never equal a string variable);
 *   <li>{@code has}: lua-resty-expr wants a list variable; ours are strings, so the variable is
 *       read as a comma-separated list (HTTP list header syntax, elements trimmed of spaces and
 *       tabs) and the value must equal one element;
 *   <li>{@code ipmatch}: the value is an IP/CIDR string or an array of them, parsed at compile
 *       time with {@link CidrMatcher}; false for a missing or unparsable variable.
 * </ul>
 */
final class ExprCompiler {
  private ExprCompiler() {}

  static final Set<String> OPERATORS =
      Set.of("==", "~=", ">", ">=", "<", "<=", "~~", "~*", "in", "has", "ipmatch");

  static Expr compile(JsonNode node) throws ExprException {
    if (node == null || node.isNull() || node.isMissingNode()) {
      throw new ExprException("missing argument rule");
    }
    if (!node.isArray()) {
      throw new ExprException("invalid expression");
    }
    if (node.isEmpty()) {
      return Rules.TRUE;
    }
    JsonNode first = node.get(0);
    if (!first.isArray() && logicOp(first) == null) {
      throw new ExprException("rule should be wrapped inside brackets");
    }
    Expr e = compileRules(node);
    return new Rules.Source(e, node.toString());
  }

  private static String logicOp(JsonNode n) {
    if (!n.isTextual()) {
      return null;
    }
    String op = n.asText().toUpperCase(Locale.ROOT);
    switch (op) {
      case "AND":
      case "OR":
      case "!AND":
      case "!OR":
        return op;
      default:
        return null;
    }
  }

  private static Expr compileRules(JsonNode rules) throws ExprException {
    if (!rules.isArray()) {
      throw new ExprException("invalid expression");
    }
    int n = rules.size();
    if (n == 0) {
      throw new ExprException("rule too short");
    }
    JsonNode first = rules.get(0);
    if (first.isArray()) {
      List<Expr> parts = new ArrayList<>(n);
      for (JsonNode r : rules) {
        parts.add(compileRules(r));
      }
      return Rules.and(parts);
    }
    String op = logicOp(first);
    if (op != null) {
      if (n <= 2) {
        throw new ExprException("rule too short");
      }
      List<Expr> parts = new ArrayList<>(n - 1);
      for (int i = 1; i < n; i++) {
        parts.add(compileRules(rules.get(i)));
      }
      switch (op) {
        case "AND":
          return Rules.and(parts);
        case "OR":
          return Rules.or(parts);
        case "!AND":
          return new Rules.Not(Rules.and(parts));
        default:
          return new Rules.Not(Rules.or(parts));
      }
    }
    return compileRule(rules);
  }

  private static Expr compileRule(JsonNode rule) throws ExprException {
    JsonNode var;
    JsonNode opNode;
    JsonNode value;
    boolean negate = false;
    if (rule.size() == 4) {
      JsonNode not = rule.get(1);
      if (!not.isTextual() || !"!".equals(not.asText())) {
        throw new ExprException("bad 'not' expression");
      }
      negate = true;
      var = rule.get(0);
      opNode = rule.get(2);
      value = rule.get(3);
    } else {
      var = rule.get(0);
      opNode = rule.get(1); // null when absent (Lua nil)
      value = rule.get(2);
    }
    String op = null;
    if (opNode != null && !opNode.isNull()) {
      if (!opNode.isTextual() && !opNode.isNumber()) {
        throw new ExprException("invalid expression");
      }
      op = opNode.asText().toLowerCase(Locale.ROOT);
    }
    if (value == null && (op == null || !OPERATORS.contains(op))) {
      // compatibility form [var, value]: value (already lower-cased) compared with ==
      if (op == null) {
        throw new ExprException("invalid expression");
      }
      value = com.fasterxml.jackson.databind.node.TextNode.valueOf(op);
      op = "==";
    }
    if (var == null || var.isNull() || op == null) {
      throw new ExprException("invalid expression");
    }
    if (!var.isTextual()) {
      throw new ExprException("invalid expression");
    }
    if (!OPERATORS.contains(op)) {
      throw new ExprException("invalid operator '" + op + "'");
    }
    String name = var.asText();
    boolean nil = value == null || value.isNull();
    switch (op) {
      case "==":
      case "~=":
        {
          boolean ne = op.equals("~=");
          if (nil) {
            return new Rules.IsNil(name, negate ^ ne);
          }
          if (value.isNumber()) {
            return new Rules.NumEq(name, value.asDouble(), negate ^ ne);
          }
          if (value.isTextual()) {
            return new Rules.StrEq(name, value.asText(), negate ^ ne);
          }
          // a boolean or table never equals a string or nil
          return new Rules.Const(ne ^ negate);
        }
      case ">":
      case ">=":
      case "<":
      case "<=":
        {
          double rv = Double.NaN;
          if (!nil && value.isNumber()) {
            rv = value.asDouble();
          } else if (!nil && value.isTextual()) {
            rv = LuaNumber.parse(value.asText());
          }
          if (Double.isNaN(rv)) {
            return new Rules.Const(negate);
          }
          return new Rules.NumCmp(name, op, rv, negate);
        }
      case "~~":
      case "~*":
        {
          if (nil || !(value.isTextual() || value.isNumber())) {
            throw new ExprException("invalid regex: expected a string, got " + describe(value));
          }
          String regex = value.asText();
          int flags = op.equals("~*") ? Pattern.CASE_INSENSITIVE : 0;
          try {
            return new Rules.Regex(name, Pattern.compile(regex, flags), negate);
          } catch (PatternSyntaxException e) {
            throw new ExprException(
                "failed to compile regex '" + regex + "': " + e.getDescription());
          }
        }
      case "in":
        {
          if (nil || !value.isArray()) {
            return new Rules.Const(negate);
          }
          Set<String> set = new HashSet<>();
          for (JsonNode v : value) {
            if (v.isTextual()) {
              set.add(v.asText());
            }
          }
          return new Rules.In(name, set.toArray(new String[0]), negate);
        }
      case "has":
        {
          if (nil || !value.isTextual()) {
            return new Rules.Const(negate);
          }
          return new Rules.Has(name, value.asText(), negate);
        }
      default: // ipmatch
        {
          if (nil || (value.isTextual() && value.asText().isEmpty())) {
            throw new ExprException("invalid ip address");
          }
          List<String> ips = new ArrayList<>();
          if (value.isArray()) {
            if (value.isEmpty()) {
              throw new ExprException("invalid ip address");
            }
            for (JsonNode v : value) {
              if (!v.isTextual()) {
                throw new ExprException("invalid ip address: " + v);
              }
              ips.add(v.asText());
            }
          } else if (value.isTextual()) {
            ips.add(value.asText());
          } else {
            throw new ExprException("invalid ip address: " + value);
          }
          try {
            return new Rules.IpMatch(name, CidrMatcher.parse(ips), negate);
          } catch (IllegalArgumentException e) {
            throw new ExprException(e.getMessage());
          }
        }
    }
  }

  private static String describe(JsonNode v) {
    if (v == null || v.isNull()) {
      return "nil";
    }
    return v.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
