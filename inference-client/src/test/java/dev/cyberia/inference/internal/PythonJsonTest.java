package dev.cyberia.inference.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code tojson} as Python's {@code json.dumps(x, ensure_ascii=False)} writes it: what models were trained on. */
class PythonJsonTest {

    @Test
    void separatorsAndIndent_areJsonDumps() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", "get_weather");
        m.put("args", List.of(1, true, Map.of()));
        m.put("none", null);
        assertThat(PythonJson.dumps(m, null))
                .isEqualTo("{\"name\": \"get_weather\", \"args\": [1, true, {}], \"none\": null}");
        assertThat(PythonJson.dumps(m, 2))
                .isEqualTo(
                        "{\n  \"name\": \"get_weather\",\n  \"args\": [\n    1,\n    true,\n    {}\n  ],\n  \"none\": null\n}");
    }

    @Test
    void stringsKeepNonAscii_andEscapeControls() {
        assertThat(PythonJson.dumps("°C -> \"x\"\n\u0001", null)).isEqualTo("\"°C -> \\\"x\\\"\\n\\u0001\"");
    }

    @Test
    void floats_areWrittenAsPythonRepr() {
        assertThat(PythonJson.pythonFloat(1.0)).isEqualTo("1.0");
        assertThat(PythonJson.pythonFloat(0.5)).isEqualTo("0.5");
        assertThat(PythonJson.pythonFloat(1e-5)).isEqualTo("1e-05");
        assertThat(PythonJson.pythonFloat(1.5e16)).isEqualTo("1.5e+16");
        assertThat(PythonJson.pythonFloat(123456.789)).isEqualTo("123456.789");
        assertThat(PythonJson.pythonFloat(-0.0001)).isEqualTo("-0.0001");
    }
}
