package dev.cyberia.inference;

/** What a model produced, and what it cost in tokens. */
public record Generation(String text, int promptTokens, int completionTokens, FinishReason finishReason) {

    public enum FinishReason {
        /** The model ended its answer (an end-of-sequence token). */
        END_OF_SEQUENCE,
        /** A stop string appeared; it is not part of the text. */
        STOP_STRING,
        /** maxNewTokens was reached. */
        LENGTH
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
