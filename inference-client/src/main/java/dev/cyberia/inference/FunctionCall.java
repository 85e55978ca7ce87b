package dev.cyberia.inference;

/**
 * A tool call a model asked for: the tool's name and its arguments as JSON text (OpenAI's
 * {@code tool_calls[].function}). A call the model wrote badly keeps what could be read: the name,
 * or an empty one, and the raw text as arguments, so the tool's validation answers the model.
 *
 * @param id unique within a conversation; nine letters and digits, as Mistral's templates demand
 */
public record FunctionCall(String id, String name, String arguments) {
    public FunctionCall {
        id = id == null || id.isEmpty() ? "call00000" : id;
        name = name == null ? "" : name;
        arguments = arguments == null || arguments.isBlank() ? "{}" : arguments;
    }

    /** The id of the {@code index}-th call in an answer: {@code call00000}, {@code call00001}, ... */
    public static String idFor(int index) {
        return String.format("call%05d", index);
    }
}
