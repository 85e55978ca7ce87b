package dev.cyberia.tools.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.agentcore.CallContext;
import dev.cyberia.agentcore.SideEffect;
import dev.cyberia.agentcore.SpendRefusedException;
import dev.cyberia.agentcore.Tier;
import dev.cyberia.agentcore.ToolCall;
import dev.cyberia.agentcore.ToolDescriptor;
import dev.cyberia.agentcore.ToolDescriptor.ParameterType;
import dev.cyberia.agentcore.ToolDescriptor.ToolParameter;
import dev.cyberia.agentcore.ToolOutcome;
import dev.cyberia.agentcore.Toolbox;
import dev.cyberia.tools.InvalidSkillException;
import dev.cyberia.tools.Skill;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Skill objects as a {@link Toolbox}: descriptors from {@code @Tool}/{@code @P}/{@code @Skill}, strict argument checks. */
public final class SkillSet implements Toolbox {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Bound(ToolDescriptor descriptor, Object target, Method method) {}

    private final Map<String, Bound> tools;
    private final List<ToolDescriptor> descriptors;

    private SkillSet(Map<String, Bound> tools) {
        this.tools = tools;
        this.descriptors = tools.values().stream().map(Bound::descriptor).toList();
    }

    public static SkillSet of(List<Object> skills) {
        Map<String, Bound> tools = new LinkedHashMap<>();
        for (Object skill : skills) {
            int found = 0;
            for (Method m : skill.getClass().getMethods()) {
                Tool tool = m.getAnnotation(Tool.class);
                if (tool == null) {
                    continue;
                }
                found++;
                ToolDescriptor d = describe(m, tool);
                if (tools.containsKey(d.name())) {
                    throw new InvalidSkillException("two skills are called '" + d.name() + "': "
                            + tools.get(d.name()).target().getClass().getName() + " and "
                            + skill.getClass().getName());
                }
                tools.put(d.name(), new Bound(d, skill, m));
            }
            if (found == 0) {
                throw new InvalidSkillException(
                        skill.getClass().getName() + " has no public method annotated with @Tool; it is not a skill");
            }
        }
        return new SkillSet(tools);
    }

    private static ToolDescriptor describe(Method m, Tool tool) {
        String name = tool.name().isBlank() ? m.getName() : tool.name();
        String description = String.join("\n", tool.value());
        List<ToolParameter> params = new ArrayList<>();
        for (Parameter p : m.getParameters()) {
            if (p.getType() == CallContext.class) {
                continue;
            }
            if (!p.isNamePresent()) {
                throw new InvalidSkillException("skill " + m.getDeclaringClass().getName() + "." + m.getName()
                        + " was compiled without -parameters; recompile with 'javac -parameters'");
            }
            P doc = p.getAnnotation(P.class);
            params.add(new ToolParameter(
                    p.getName(), typeOf(p, m), doc == null ? "" : doc.value(), doc == null || doc.required()));
        }
        Skill skill = m.getAnnotation(Skill.class);
        return new ToolDescriptor(
                name,
                description,
                params,
                skill == null ? SideEffect.NONE : skill.sideEffect(),
                skill == null ? Tier.AUTOMATON : skill.minTier(),
                skill != null && skill.approvalRequired(),
                skill != null && skill.earns());
    }

    private static ParameterType typeOf(Parameter p, Method m) {
        Class<?> t = p.getType();
        if (t == String.class) {
            return ParameterType.STRING;
        }
        if (t == int.class || t == Integer.class || t == long.class || t == Long.class || t == BigInteger.class) {
            return ParameterType.INTEGER;
        }
        if (t == double.class || t == Double.class || t == BigDecimal.class) {
            return ParameterType.NUMBER;
        }
        if (t == boolean.class || t == Boolean.class) {
            return ParameterType.BOOLEAN;
        }
        throw new InvalidSkillException("skill " + m.getDeclaringClass().getName() + "." + m.getName() + " parameter '"
                + p.getName() + "' has type " + t.getSimpleName()
                + "; use String, int, long, double, boolean, BigInteger or BigDecimal");
    }

    @Override
    public List<ToolDescriptor> tools() {
        return descriptors;
    }

    @Override
    public Optional<String> validate(ToolCall call) {
        Bound bound = tools.get(call.name());
        if (bound == null) {
            return Optional.of("unknown tool '" + call.name() + "'");
        }
        try {
            arguments(bound, call);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public ToolOutcome invoke(ToolCall call, CallContext context) {
        Bound bound = tools.get(call.name());
        Object[] args;
        try {
            args = arguments(bound, call);
        } catch (IllegalArgumentException e) {
            return new ToolOutcome.Invalid(e.getMessage());
        }
        for (int i = 0; i < args.length; i++) {
            if (bound.method().getParameterTypes()[i] == CallContext.class) {
                args[i] = context;
            }
        }
        try {
            Object result = bound.method().invoke(bound.target(), args);
            return new ToolOutcome.Done(result == null ? "ok" : result.toString());
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SpendRefusedException refused) {
                throw refused;
            }
            if (cause instanceof IllegalArgumentException bad) {
                return new ToolOutcome.Invalid(bad.getMessage());
            }
            if (bound.descriptor().sideEffect() == SideEffect.MOVES_MONEY && cause instanceof RuntimeException r) {
                throw r; // never text for the model to retry: the tick ends, the journal keeps the payment
            }
            return new ToolOutcome.Failed(cause.getClass().getSimpleName() + ": " + cause.getMessage());
        } catch (IllegalAccessException e) {
            return new ToolOutcome.Failed("cannot call " + call.name() + ": " + e.getMessage());
        }
    }

    /** The Java arguments for a call, CallContext slots left null; every check a bad call can fail. */
    private static Object[] arguments(Bound bound, ToolCall call) {
        JsonNode json;
        try {
            json = JSON.readTree(call.argumentsJson());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "arguments of '" + call.name() + "' are not valid JSON: " + e.getOriginalMessage());
        }
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("arguments of '" + call.name() + "' must be a JSON object");
        }
        List<String> known = bound.descriptor().parameters().stream()
                .map(ToolParameter::name)
                .toList();
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!known.contains(field)) {
                throw new IllegalArgumentException(
                        "'" + call.name() + "' has no parameter '" + field + "'; its parameters are " + known);
            }
        }
        Parameter[] params = bound.method().getParameters();
        Object[] out = new Object[params.length];
        for (int i = 0; i < params.length; i++) {
            Class<?> t = params[i].getType();
            if (t == CallContext.class) {
                continue;
            }
            String name = params[i].getName();
            JsonNode v = json.get(name);
            ToolParameter declared = bound.descriptor().parameters().stream()
                    .filter(p -> p.name().equals(name))
                    .findFirst()
                    .orElseThrow();
            if (v == null || v.isNull()) {
                if (declared.required() || t.isPrimitive()) {
                    throw new IllegalArgumentException("'" + call.name() + "' needs '" + name + "' ("
                            + declared.type().name().toLowerCase(java.util.Locale.ROOT) + ")");
                }
                continue;
            }
            out[i] = convert(call.name(), name, declared.type(), t, v);
        }
        return out;
    }

    private static Object convert(String tool, String name, ParameterType type, Class<?> t, JsonNode v) {
        String wrong =
                "'" + tool + "' argument '" + name + "' must be " + type.name().toLowerCase(java.util.Locale.ROOT)
                        + ", not " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + v;
        switch (type) {
            case STRING -> {
                if (!v.isTextual()) {
                    throw new IllegalArgumentException(wrong);
                }
                return v.asText();
            }
            case BOOLEAN -> {
                if (!v.isBoolean()) {
                    throw new IllegalArgumentException(wrong);
                }
                return v.asBoolean();
            }
            case INTEGER -> {
                if (!v.isIntegralNumber()) {
                    throw new IllegalArgumentException(wrong);
                }
                BigInteger n = v.bigIntegerValue();
                if (t == BigInteger.class) {
                    return n;
                }
                if ((t == int.class || t == Integer.class) && n.bitLength() > 31) {
                    throw new IllegalArgumentException("'" + tool + "' argument '" + name + "' is out of range: " + n);
                }
                if ((t == long.class || t == Long.class) && n.bitLength() > 63) {
                    throw new IllegalArgumentException("'" + tool + "' argument '" + name + "' is out of range: " + n);
                }
                return t == int.class || t == Integer.class ? (Object) n.intValue() : (Object) n.longValue();
            }
            case NUMBER -> {
                if (!v.isNumber()) {
                    throw new IllegalArgumentException(wrong);
                }
                return t == BigDecimal.class ? v.decimalValue() : (Object) v.asDouble();
            }
        }
        throw new IllegalStateException();
    }
}
