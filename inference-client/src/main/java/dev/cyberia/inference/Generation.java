package dev.cyberia.inference;

import java.util.List;
import java.util.Optional;

/**
 * What a model produced, and what it cost in tokens.
 *
 * @param text the answer's text, without any tool calls in it
 * @param toolCalls the tool calls the answer asked for, in order (empty for a plain answer)
 * @param fingerprint what the generation looked like inside the model, when a local model made it
 */
public record Generation(
        String text,
        List<FunctionCall> toolCalls,
        int promptTokens,
        int completionTokens,
        FinishReason finishReason,
        Optional<Fingerprint> fingerprint) {

    public enum FinishReason {
        /** The model ended its answer (an end-of-sequence token). */
        END_OF_SEQUENCE,
        /** A stop string appeared; it is not part of the text. */
        STOP_STRING,
        /** maxNewTokens was reached, or the model's context is full. */
        LENGTH,
        /** The model ended its answer with tool calls. */
        TOOL_CALLS
    }

    public Generation {
        text = text == null ? "" : text;
        toolCalls = toolCalls == null ? List.of() : List.copyOf(toolCalls);
        fingerprint = fingerprint == null ? Optional.empty() : fingerprint;
    }

    public Generation(
            String text,
            List<FunctionCall> toolCalls,
            int promptTokens,
            int completionTokens,
            FinishReason finishReason) {
        this(text, toolCalls, promptTokens, completionTokens, finishReason, Optional.empty());
    }

    public Generation(String text, int promptTokens, int completionTokens, FinishReason finishReason) {
        this(text, List.of(), promptTokens, completionTokens, finishReason);
    }

    /** The same answer with another fingerprint. */
    public Generation withFingerprint(Fingerprint other) {
        return new Generation(text, toolCalls, promptTokens, completionTokens, finishReason, Optional.of(other));
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }

    /** OpenAI's {@code finish_reason}: {@code stop}, {@code length} or {@code tool_calls}. */
    public String openAiFinishReason() {
        return switch (finishReason) {
            case LENGTH -> "length";
            case TOOL_CALLS -> "tool_calls";
            default -> "stop";
        };
    }
}
