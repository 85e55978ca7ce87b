package dev.cyberia.inference;

/** One chat message: role {@code system}, {@code user}, {@code assistant} or {@code tool}. */
public record Message(String role, String content) {
    public Message {
        if (role == null || !role.matches("system|user|assistant|tool")) {
            throw new IllegalArgumentException("a message role is system, user, assistant or tool, not '" + role + "'");
        }
        content = content == null ? "" : content;
    }

    public static Message user(String content) {
        return new Message("user", content);
    }

    public static Message system(String content) {
        return new Message("system", content);
    }
}
