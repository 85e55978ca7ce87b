package dev.cyberia.inference.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.filter.AdvancedFilter;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import dev.cyberia.inference.FunctionCall;
import dev.cyberia.inference.InvalidModelException;
import dev.cyberia.inference.Message;
import dev.cyberia.inference.ToolDefinition;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A model's own Jinja chat template, rendered as Hugging Face's {@code apply_chat_template} renders
 * it: blocks trimmed and left-stripped, {@code tojson} as Python's {@code json.dumps}, the functions
 * {@code raise_exception} and {@code strftime_now}, and the variables {@code messages} (assistant
 * {@code tool_calls} with arguments as objects, {@code tool} results with {@code tool_call_id}
 * and {@code name}), {@code tools} (OpenAI's function list, or none), {@code add_generation_prompt}
 * and the special tokens of {@code tokenizer_config.json}.
 *
 * <p>A template that never mentions {@code tools} gets them in its system message instead, in the
 * Hermes layout (see {@link #TOOL_SECTION}), with earlier calls and results written as Hermes text.
 */
public final class ChatTemplate {
    /** What a template without a tool section gets in its system message, before the tools' JSON. */
    public static final String TOOL_SECTION = "You may call one or more tools. The tools, as JSON Schema:\n<tools>\n";

    private static final String TOOL_SECTION_END = "</tools>\nTo call a tool, answer with one line per call:\n"
            + "<tool_call>{\"name\": \"TOOL NAME\", \"arguments\": {ARGUMENTS AS JSON}}</tool_call>";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final ThreadLocal<java.time.Clock> CLOCK = ThreadLocal.withInitial(java.time.Clock::systemUTC);

    private final Jinjava jinja;
    private final String template;
    private final Map<String, Object> variables;
    private final java.time.Clock clock;
    private final boolean knowsTools;

    /** @param specialTokens {@code bos_token}, {@code eos_token}, {@code pad_token}, {@code unk_token} as the model names them */
    public ChatTemplate(String template, Map<String, String> specialTokens) {
        this(template, Map.copyOf(specialTokens), java.time.Clock.systemUTC());
    }

    /**
     * @param variables the special tokens, and any other variable the template reads (e.g. {@code date_string})
     * @param clock what {@code strftime_now} reads
     */
    public ChatTemplate(String template, Map<String, Object> variables, java.time.Clock clock) {
        this.jinja = new Jinjava(JinjavaConfig.newBuilder()
                .withFailOnUnknownTokens(false)
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withLegacyOverrides(com.hubspot.jinjava.LegacyOverrides.newBuilder()
                        .withUseTrimmingForNotesAndExpressions(true) // {{- x -}} as in Jinja2
                        .withParseWhitespaceControlStrictly(true)
                        .withIterateOverMapKeys(true) // for k in dict: the keys, as in Python
                        .withEvaluateMapKeys(true)
                        .withUseNaturalOperatorPrecedence(true)
                        .withAllowAdjacentTextNodes(true)
                        .withKeepNullableLoopValues(true)
                        .withHandleBackslashInQuotesOnly(true)
                        .withDefaultKeepTrailingNewlineBehavior(true)
                        .build())
                .build());
        jinja.getGlobalContext().registerFilter(new ToJson());
        jinja.getGlobalContext().registerFilter(new Items());
        jinja.getGlobalContext().registerExpTest(new Iterable());
        jinja.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "raise_exception", ChatTemplate.class, "raiseException", String.class));
        jinja.getGlobalContext()
                .registerFunction(
                        new ELFunctionDefinition("", "strftime_now", ChatTemplate.class, "strftimeNow", String.class));
        this.template = withJinja2Precedence(template);
        this.variables = new HashMap<>(variables);
        this.variables.put("strftime_now", "strftime_now"); // so that 'strftime_now is defined', as in transformers
        this.clock = clock;
        this.knowsTools = template.contains("tools");
    }

    public String render(List<Message> messages, List<ToolDefinition> tools, boolean addGenerationPrompt) {
        List<Message> conversation = knowsTools || tools.isEmpty() ? messages : withToolSection(messages, tools);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Message m : conversation) {
            list.add(templateValue(m));
        }
        Map<String, Object> context = new HashMap<>(variables);
        context.put("messages", list);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put(
                "tools",
                knowsTools && !tools.isEmpty()
                        ? tools.stream().map(ToolDefinition::toTemplateValue).toList()
                        : null);
        String output;
        List<TemplateError> errors;
        CLOCK.set(clock);
        JinjavaInterpreter interpreter = new JinjavaInterpreter(
                jinja,
                new com.hubspot.jinjava.interpret.Context(jinja.getGlobalContext(), context),
                jinja.getGlobalConfig());
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            output = interpreter.render(parsed(interpreter));
            errors = interpreter.getErrorsCopy();
        } finally {
            JinjavaInterpreter.popCurrent();
            CLOCK.remove();
        }
        for (TemplateError e : errors) {
            if (e.getSeverity() == TemplateError.ErrorType.FATAL) {
                String cause = e.getException() != null && e.getException().getCause() != null
                        ? e.getException().getCause().getMessage()
                        : e.getMessage();
                throw new InvalidModelException("the model's chat template refuses these messages: " + cause);
            }
        }
        return output;
    }

    private volatile com.hubspot.jinjava.tree.Node parsed;

    /** The template parsed once (parsing costs more than rendering a short conversation). */
    private com.hubspot.jinjava.tree.Node parsed(JinjavaInterpreter interpreter) {
        com.hubspot.jinjava.tree.Node tree = parsed;
        if (tree == null) {
            tree = interpreter.parse(template);
            parsed = tree;
        }
        return tree;
    }

    private static final java.util.regex.Pattern NOT_IS = java.util.regex.Pattern.compile(
            "\\bnot\\s+([A-Za-z_][\\w.]*(?:\\[[^\\]]*])*)\\s+is\\s+(not\\s+)?([A-Za-z_]\\w*)");

    /**
     * {@code not x is defined} means {@code not (x is defined)} in Jinja2 ({@code is} binds tighter
     * than {@code not}); Jinjava reads {@code (not x) is defined}. Made explicit.
     */
    static String withJinja2Precedence(String template) {
        return withLoopNeighbours(NOT_IS.matcher(template).replaceAll("not ($1 is $2$3)"));
    }

    private static final java.util.regex.Pattern LOOP_TAGS = java.util.regex.Pattern.compile(
            "\\{%-?\\s*for\\s+[\\w\\s,]+?\\s+in\\s+([A-Za-z_][\\w.]*)\\s*(?:if\\b[^%]*)?-?%}"
                    + "|\\{%-?\\s*for\\b[^%]*-?%}|\\{%-?\\s*endfor\\s*-?%}|loop\\.(previtem|nextitem)");

    /**
     * {@code loop.previtem} and {@code loop.nextitem} (Jinja2 2.10), which Jinjava lacks, as
     * indexes into the loop's sequence, when that sequence is a plain variable.
     */
    static String withLoopNeighbours(String template) {
        if (!template.contains("loop.previtem") && !template.contains("loop.nextitem")) {
            return template;
        }
        java.util.Deque<String> sequences = new java.util.ArrayDeque<>();
        java.util.regex.Matcher m = LOOP_TAGS.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String tag = m.group();
            String replacement = tag;
            if (m.group(2) != null) {
                String sequence = sequences.peek();
                if (sequence != null && !sequence.isEmpty()) {
                    replacement = m.group(2).equals("previtem")
                            ? "(" + sequence + "[loop.index0 - 1] if not loop.first else none)"
                            : "(" + sequence + "[loop.index0 + 1] if not loop.last else none)";
                }
            } else if (tag.matches("(?s)\\{%-?\\s*endfor.*")) {
                sequences.poll();
            } else {
                sequences.push(m.group(1) == null ? "" : m.group(1));
            }
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Map<String, Object> templateValue(Message m) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("role", m.role());
        entry.put("content", m.content());
        if (!m.toolCalls().isEmpty()) {
            List<Map<String, Object>> calls = new ArrayList<>();
            for (FunctionCall c : m.toolCalls()) {
                Map<String, Object> function = new LinkedHashMap<>();
                function.put("name", c.name());
                function.put("arguments", argumentsValue(c.arguments()));
                Map<String, Object> call = new LinkedHashMap<>();
                call.put("id", c.id());
                call.put("type", "function");
                call.put("function", function);
                calls.add(call);
            }
            entry.put("tool_calls", calls);
        }
        if (m.toolCallId() != null) {
            entry.put("tool_call_id", m.toolCallId());
        }
        if (m.name() != null) {
            entry.put("name", m.name());
        }
        return entry;
    }

    /** Arguments as templates expect them: an object when they are one, else the text. */
    private static Object argumentsValue(String arguments) {
        try {
            JsonNode node = JSON.readTree(arguments);
            if (node != null && node.isObject()) {
                return JSON.convertValue(node, LinkedHashMap.class);
            }
        } catch (java.io.IOException notJson) {
            // kept as text
        }
        return arguments;
    }

    /**
     * The tools in the system message, for a template without a tool section; earlier calls and
     * results become Hermes text (a user turn for a result), which any template can render.
     */
    static List<Message> withToolSection(List<Message> messages, List<ToolDefinition> tools) {
        StringBuilder section = new StringBuilder(TOOL_SECTION);
        for (ToolDefinition t : tools) {
            section.append(PythonJson.dumps(t.toTemplateValue(), null)).append('\n');
        }
        section.append(TOOL_SECTION_END);
        List<Message> out = new ArrayList<>();
        int from = 0;
        if (!messages.isEmpty() && messages.get(0).role().equals("system")) {
            out.add(Message.system(messages.get(0).content() + "\n\n" + section));
            from = 1;
        } else {
            out.add(Message.system(section.toString()));
        }
        for (Message m : messages.subList(from, messages.size())) {
            if (!m.toolCalls().isEmpty()) {
                StringBuilder text = new StringBuilder(m.content());
                for (FunctionCall c : m.toolCalls()) {
                    if (!text.isEmpty()) {
                        text.append('\n');
                    }
                    text.append("<tool_call>{\"name\": ")
                            .append(PythonJson.dumps(c.name(), null))
                            .append(", \"arguments\": ")
                            .append(PythonJson.dumps(argumentsValue(c.arguments()), null))
                            .append("}</tool_call>");
                }
                out.add(Message.assistant(text.toString(), List.of()));
            } else if (m.role().equals("tool")) {
                out.add(Message.user("<tool_response>\n" + m.content() + "\n</tool_response>"));
            } else {
                out.add(m);
            }
        }
        return out;
    }

    /** {@code raise_exception(message)}: a template refusing its input. */
    public static String raiseException(String message) {
        throw new IllegalArgumentException(message);
    }

    /** {@code strftime_now(format)}: today's date in a Python {@code strftime} format. */
    public static String strftimeNow(String format) {
        LocalDate today = LocalDate.now(CLOCK.get());
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%' || i + 1 == format.length()) {
                out.append(c);
                continue;
            }
            char f = format.charAt(++i);
            out.append(
                    switch (f) {
                        case 'd' -> String.format("%02d", today.getDayOfMonth());
                        case 'm' -> String.format("%02d", today.getMonthValue());
                        case 'Y' -> Integer.toString(today.getYear());
                        case 'y' -> String.format("%02d", today.getYear() % 100);
                        case 'b' -> today.format(DateTimeFormatter.ofPattern("MMM", Locale.ENGLISH));
                        case 'B' -> today.format(DateTimeFormatter.ofPattern("MMMM", Locale.ENGLISH));
                        case 'a' -> today.format(DateTimeFormatter.ofPattern("EEE", Locale.ENGLISH));
                        case 'A' -> today.format(DateTimeFormatter.ofPattern("EEEE", Locale.ENGLISH));
                        case 'j' -> String.format("%03d", today.getDayOfYear());
                        case '%' -> "%";
                        default -> "%" + f;
                    });
        }
        return out.toString();
    }

    /** {@code x|items}: a mapping's key and value pairs, as in Jinja2 3.1. */
    private static final class Items implements com.hubspot.jinjava.lib.filter.Filter {
        @Override
        public String getName() {
            return "items";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
            return var instanceof Map<?, ?> map ? new ArrayList<>(map.entrySet()) : List.of();
        }
    }

    /** {@code x is iterable}: true for strings too, as in Python. */
    private static final class Iterable implements com.hubspot.jinjava.lib.exptest.ExpTest {
        @Override
        public String getName() {
            return "iterable";
        }

        @Override
        public boolean evaluate(Object var, JinjavaInterpreter interpreter, Object... args) {
            return var instanceof CharSequence
                    || var instanceof java.lang.Iterable<?>
                    || var instanceof Map<?, ?>
                    || (var != null && var.getClass().isArray());
        }
    }

    /** {@code tojson}, {@code tojson(indent=N)}: Python's {@code json.dumps(x, ensure_ascii=False)}. */
    private static final class ToJson implements AdvancedFilter {
        @Override
        public String getName() {
            return "tojson";
        }

        @Override
        public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
            Object indent = kwargs.getOrDefault("indent", args.length > 0 ? args[0] : null);
            return PythonJson.dumps(var, indent == null ? null : ((Number) toNumber(indent)).intValue());
        }

        private static Object toNumber(Object value) {
            return value instanceof Number
                    ? value
                    : Integer.valueOf(value.toString().trim());
        }
    }
}
