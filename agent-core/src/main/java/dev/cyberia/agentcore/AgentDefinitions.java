package dev.cyberia.agentcore;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads agent definitions from YAML; every error names the file, the line and the column. */
public final class AgentDefinitions {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new Jdk8Module())
            .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule()
                    .addDeserializer(Duration.class, new DurationDeserializer()))
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(com.fasterxml.jackson.databind.MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS);

    private AgentDefinitions() {}

    /** Reads {@code file}. */
    public static AgentDefinition read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new InvalidAgentInputException("no agent definition at " + file);
        } catch (IOException e) {
            throw new AgentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file.toString());
    }

    /**
     * Parses a definition.
     *
     * @param source what to call the text in errors, e.g. its file name
     * @throws InvalidAgentInputException naming the line and column of the first problem
     */
    public static AgentDefinition parse(String yaml, String source) {
        if (yaml.isBlank()) {
            throw new InvalidAgentInputException(source + ": the definition is empty; it needs at least 'purpose'");
        }
        return readYaml(yaml, source, AgentDefinition.class);
    }

    /**
     * Reads YAML into {@code type} the way every Cyberia policy file is read: unknown fields
     * refused, durations as "30s"/"5m"/"PT1M", errors naming the source, line and column.
     */
    static <T> T readYaml(String yaml, String source, Class<T> type) {
        try {
            return YAML.readValue(yaml, type);
        } catch (JsonProcessingException e) {
            throw new InvalidAgentInputException(describe(e, source, yaml), e);
        }
    }

    private static String describe(JsonProcessingException e, String source, String yaml) {
        JsonLocation at = e.getLocation();
        String where = at == null ? source : source + " line " + at.getLineNr() + ", column " + at.getColumnNr();
        if (e instanceof UnrecognizedPropertyException u) {
            // the YAML parser reports where the value ended; point at the key itself
            String[] lines = yaml.split("\\R", -1);
            Pattern key = Pattern.compile("^(\\s*(?:-\\s+)?)" + Pattern.quote(u.getPropertyName()) + "\\s*:");
            for (int i = 0; i < lines.length; i++) {
                Matcher m = key.matcher(lines[i]);
                if (m.find()) {
                    where = source + " line " + (i + 1) + ", column "
                            + (m.group(1).length() + 1);
                    break;
                }
            }
        }
        String what;
        if (e instanceof UnrecognizedPropertyException u) {
            what = "unknown field '" + u.getPropertyName() + "'; known: " + u.getKnownPropertyIds();
        } else if (e instanceof ValueInstantiationException v && v.getCause() != null) {
            what = v.getCause().getMessage();
        } else if (e instanceof JsonMappingException m && m.getCause() instanceof IllegalArgumentException iae) {
            what = iae.getMessage();
        } else {
            what = e.getOriginalMessage().lines().findFirst().orElse("invalid YAML");
        }
        return where + ": " + what;
    }

    /** "90s", "5m", "2h", "1d", or ISO-8601 ("PT1M"). */
    public static Duration parseDuration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
            }
            long n = Long.parseLong(t.substring(0, t.length() - 1));
            return switch (t.charAt(t.length() - 1)) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 30s, 5m, 1h or PT1M", e);
        }
    }

    private static final class DurationDeserializer extends com.fasterxml.jackson.databind.JsonDeserializer<Duration> {
        @Override
        public Duration deserialize(
                com.fasterxml.jackson.core.JsonParser p, com.fasterxml.jackson.databind.DeserializationContext ctx)
                throws IOException {
            try {
                return parseDuration(p.getValueAsString(""));
            } catch (IllegalArgumentException e) {
                throw JsonMappingException.from(p, e.getMessage(), e);
            }
        }
    }
}
