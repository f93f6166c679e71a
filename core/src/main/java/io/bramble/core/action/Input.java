package io.bramble.core.action;

import io.bramble.core.state.State;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Built-in: copies the named inputs into state under the same keys. */
public final class Input extends StepAction {
  private final List<String> fields;

  public Input(String name, String... fields) {
    super(name);
    this.fields = List.of(fields);
  }

  @Override
  public List<String> reads() {
    return List.of();
  }

  @Override
  public List<String> writes() {
    return fields;
  }

  @Override
  public List<String> requiredInputs() {
    return fields;
  }

  @Override
  protected Map<String, Object> run(State state, Map<String, Object> inputs) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (String f : fields) {
      result.put(f, inputs.get(f));
    }
    return result;
  }

  @Override
  protected State update(Map<String, Object> result, State state) {
    return state.update(result);
  }
}
