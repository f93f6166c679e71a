package io.bramble.core.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * State values as JSON, losslessly: integers stay Long, decimals Double (NaN and infinities
 * included), byte[] becomes {"$bytes": base64}, and a user map that itself looks like such a marker
 * is wrapped as {"$map": {...}} so it reads back as a map.
 */
public final class StateJson {
  private static final String BYTES = "$bytes";
  private static final String MAP = "$map";
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .build();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private StateJson() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static String write(Map<String, ?> values) {
    try {
      return MAPPER.writeValueAsString(toNode(values));
    } catch (JsonProcessingException e) {
      throw new StateException("cannot write state as JSON: " + e.getMessage());
    }
  }

  public static Map<String, Object> read(String json) {
    try {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = (Map<String, Object>) fromNode(MAPPER.readTree(json));
      return m;
    } catch (JsonProcessingException e) {
      throw new StateException("cannot read state JSON: " + e.getOriginalMessage());
    }
  }

  public static JsonNode toNode(Object v) {
    if (v == null) {
      return NODES.nullNode();
    }
    if (v instanceof DeferredValue d) {
      // Kept in a value store: its size and beginning, without reading it.
      ObjectNode stored = NODES.objectNode();
      stored.put("bytes", d.bytes());
      stored.put("sha256", d.digest());
      stored.put("preview", d.preview());
      ObjectNode node = NODES.objectNode();
      node.set("stored", stored);
      return node;
    }
    if (v instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return NODES.numberNode(((Number) v).longValue());
    }
    if (v instanceof Double || v instanceof Float) {
      return NODES.numberNode(((Number) v).doubleValue());
    }
    if (v instanceof String s) {
      return NODES.textNode(s);
    }
    if (v instanceof byte[] bytes) {
      return NODES.objectNode().put(BYTES, Base64.getEncoder().encodeToString(bytes));
    }
    if (v instanceof List<?> list) {
      ArrayNode arr = NODES.arrayNode();
      list.forEach(o -> arr.add(toNode(o)));
      return arr;
    }
    if (v instanceof Map<?, ?> map) {
      ObjectNode obj = NODES.objectNode();
      map.forEach((k, o) -> obj.set((String) k, toNode(o)));
      boolean looksLikeMarker = map.size() == 1 && (map.containsKey(BYTES) || map.containsKey(MAP));
      return looksLikeMarker ? NODES.objectNode().set(MAP, obj) : obj;
    }
    throw new StateException(
        "value of type " + v.getClass().getName() + " cannot be written as state JSON");
  }

  public static Object fromNode(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isIntegralNumber()) {
      return n.longValue();
    }
    if (n.isNumber()) {
      return n.doubleValue();
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isArray()) {
      List<Object> list = new ArrayList<>(n.size());
      n.forEach(e -> list.add(fromNode(e)));
      return list;
    }
    if (n.size() == 1 && n.has(BYTES) && n.get(BYTES).isTextual()) {
      return Base64.getDecoder().decode(n.get(BYTES).textValue());
    }
    if (n.size() == 1 && n.has(MAP) && n.get(MAP).isObject()) {
      n = n.get(MAP);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> it = n.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      map.put(e.getKey(), fromNode(e.getValue()));
    }
    return map;
  }
}
