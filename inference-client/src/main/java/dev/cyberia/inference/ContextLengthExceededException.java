package dev.cyberia.inference;

/**
 * A prompt that cannot fit the model's context even trimmed to its system prompt and last turn.
 * Refused before generation, and before any payment. Not retriable: shorten the prompt.
 */
public class ContextLengthExceededException extends InferenceException {
    private static final long serialVersionUID = 1L;

    public ContextLengthExceededException(String message) {
        super(message);
    }
}
