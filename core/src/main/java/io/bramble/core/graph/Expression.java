package io.bramble.core.graph;

import io.bramble.core.state.State;
import io.bramble.core.state.StateValues;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The small expression language of {@link Condition#expr(String)}, as in Burr's {@code expr}: state
 * keys, numbers, 'strings', {@code true false null}, arithmetic {@code + - * / %}, comparisons
 * {@code == != < <= > >=}, and {@code and or not} with parentheses. A bare key is truthy as in
 * Python: false, null, 0, and empty text, lists and maps are false.
 */
final class Expression {
  /** A parsed expression and the state keys it reads. */
  record Parsed(Function<State, Object> eval, Set<String> keys) {}

  private final String text;
  private final List<String> tokens;
  private final Set<String> keys = new LinkedHashSet<>();
  private int at;

  private Expression(String text) {
    this.text = text;
    this.tokens = tokenize(text);
  }

  static Parsed parse(String text) {
    Expression e = new Expression(text);
    Function<State, Object> eval = e.or();
    if (e.at < e.tokens.size()) {
      throw e.error("unexpected '" + e.tokens.get(e.at) + "'");
    }
    return new Parsed(eval, Set.copyOf(e.keys));
  }

  static boolean truthy(Object v) {
    if (v == null) {
      return false;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    if (v instanceof Number n) {
      return n.doubleValue() != 0;
    }
    if (v instanceof String s) {
      return !s.isEmpty();
    }
    if (v instanceof Collection<?> c) {
      return !c.isEmpty();
    }
    if (v instanceof Map<?, ?> m) {
      return !m.isEmpty();
    }
    return true;
  }

  // ---- grammar ---------------------------------------------------------------------------------

  private Function<State, Object> or() {
    Function<State, Object> left = and();
    while (accept("or")) {
      Function<State, Object> l = left;
      Function<State, Object> r = and();
      left = s -> truthy(l.apply(s)) || truthy(r.apply(s));
    }
    return left;
  }

  private Function<State, Object> and() {
    Function<State, Object> left = not();
    while (accept("and")) {
      Function<State, Object> l = left;
      Function<State, Object> r = not();
      left = s -> truthy(l.apply(s)) && truthy(r.apply(s));
    }
    return left;
  }

  private Function<State, Object> not() {
    if (accept("not")) {
      Function<State, Object> inner = not();
      return s -> !truthy(inner.apply(s));
    }
    return comparison();
  }

  private Function<State, Object> comparison() {
    Function<State, Object> left = sum();
    for (String op : List.of("==", "!=", "<=", ">=", "<", ">")) {
      if (accept(op)) {
        Function<State, Object> right = sum();
        return s -> compare(op, left.apply(s), right.apply(s));
      }
    }
    return left;
  }

  private Function<State, Object> sum() {
    Function<State, Object> left = product();
    while (peek("+") || peek("-")) {
      String op = tokens.get(at++);
      Function<State, Object> l = left;
      Function<State, Object> r = product();
      left = s -> arithmetic(op, l.apply(s), r.apply(s));
    }
    return left;
  }

  private Function<State, Object> product() {
    Function<State, Object> left = operand();
    while (peek("*") || peek("/") || peek("%")) {
      String op = tokens.get(at++);
      Function<State, Object> l = left;
      Function<State, Object> r = operand();
      left = s -> arithmetic(op, l.apply(s), r.apply(s));
    }
    return left;
  }

  private Function<State, Object> operand() {
    if (at >= tokens.size()) {
      throw error("the expression ends too early");
    }
    String t = tokens.get(at++);
    if (t.equals("(")) {
      Function<State, Object> inner = or();
      if (!accept(")")) {
        throw error("a '(' is not closed");
      }
      return inner;
    }
    if (t.equals("-")) {
      Function<State, Object> inner = operand();
      return s -> arithmetic("-", 0L, inner.apply(s));
    }
    if (t.startsWith("'") || t.startsWith("\"")) {
      String literal = t.substring(1, t.length() - 1);
      return s -> literal;
    }
    if (Character.isDigit(t.charAt(0))) {
      Object number =
          t.contains(".") || t.contains("e") || t.contains("E")
              ? (Object) Double.parseDouble(t)
              : (Object) Long.parseLong(t);
      return s -> number;
    }
    switch (t) {
      case "true", "True":
        return s -> true;
      case "false", "False":
        return s -> false;
      case "null", "None":
        return s -> null;
      default:
        break;
    }
    if (!Character.isJavaIdentifierStart(t.charAt(0)) || List.of("and", "or", "not").contains(t)) {
      throw error("unexpected '" + t + "'");
    }
    keys.add(t);
    return s -> s.get(t);
  }

  private boolean peek(String token) {
    return at < tokens.size() && tokens.get(at).equals(token);
  }

  private boolean accept(String token) {
    if (peek(token)) {
      at++;
      return true;
    }
    return false;
  }

  // ---- values ----------------------------------------------------------------------------------

  private Object compare(String op, Object a, Object b) {
    if (op.equals("==") || op.equals("!=")) {
      boolean equal =
          a instanceof Number x && b instanceof Number y
              ? x.doubleValue() == y.doubleValue()
              : StateValues.deepEquals(a, b);
      return op.equals("==") == equal;
    }
    int c;
    if (a instanceof Number x && b instanceof Number y) {
      c = Double.compare(x.doubleValue(), y.doubleValue());
    } else if (a instanceof String x && b instanceof String y) {
      c = x.compareTo(y);
    } else {
      throw new GraphException(
          "condition '" + text + "' cannot order " + describe(a) + " and " + describe(b));
    }
    return switch (op) {
      case "<" -> c < 0;
      case "<=" -> c <= 0;
      case ">" -> c > 0;
      default -> c >= 0;
    };
  }

  private Object arithmetic(String op, Object a, Object b) {
    if (op.equals("+") && a instanceof String x && b instanceof String y) {
      return x + y;
    }
    if (!(a instanceof Number x) || !(b instanceof Number y)) {
      throw new GraphException(
          "condition '" + text + "' cannot compute " + describe(a) + " " + op + " " + describe(b));
    }
    if (x instanceof Long l && y instanceof Long r && !op.equals("/")) {
      return switch (op) {
        case "+" -> l + r;
        case "-" -> l - r;
        case "*" -> l * r;
        default -> l % r;
      };
    }
    double l = x.doubleValue();
    double r = y.doubleValue();
    return switch (op) {
      case "+" -> l + r;
      case "-" -> l - r;
      case "*" -> l * r;
      case "/" -> l / r;
      default -> l % r;
    };
  }

  private static String describe(Object v) {
    return v == null ? "null" : v.getClass().getSimpleName() + " " + v;
  }

  private GraphException error(String problem) {
    return new GraphException("cannot read condition '" + text + "': " + problem);
  }

  private static List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '\'' || c == '"') {
        int end = text.indexOf(c, i + 1);
        if (end < 0) {
          throw new GraphException("cannot read condition '" + text + "': a quote is not closed");
        }
        out.add(text.substring(i, end + 1));
        i = end + 1;
      } else if (Character.isDigit(c)
          || c == '.' && i + 1 < text.length() && Character.isDigit(text.charAt(i + 1))) {
        int j = i;
        while (j < text.length()
            && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '.')) {
          j++;
        }
        out.add(text.substring(i, j));
        i = j;
      } else if (Character.isJavaIdentifierStart(c)) {
        int j = i;
        while (j < text.length() && Character.isJavaIdentifierPart(text.charAt(j))) {
          j++;
        }
        out.add(text.substring(i, j));
        i = j;
      } else if (i + 1 < text.length()
          && List.of("==", "!=", "<=", ">=").contains(text.substring(i, i + 2))) {
        out.add(text.substring(i, i + 2));
        i += 2;
      } else if ("()<>+-*/%".indexOf(c) >= 0) {
        out.add(String.valueOf(c));
        i++;
      } else {
        throw new GraphException(
            "cannot read condition '" + text + "': unexpected character '" + c + "'");
      }
    }
    return out;
  }
}
