package dev.cyberia.cli;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A scripted terminal: answers prompts from a queue and records what was shown on it. */
final class FakeTerminal implements Terminal {
    private final boolean interactive;
    private final Deque<String> answers = new ArrayDeque<>();
    final List<String> prompts = new ArrayList<>();
    final StringBuilder shown = new StringBuilder();

    FakeTerminal(boolean interactive, String... answers) {
        this.interactive = interactive;
        this.answers.addAll(List.of(answers));
    }

    @Override
    public boolean isInteractive() {
        return interactive;
    }

    @Override
    public char[] readSecret(String prompt) {
        prompts.add(prompt);
        if (answers.isEmpty()) {
            throw new AssertionError("unexpected prompt: " + prompt);
        }
        return answers.removeFirst().toCharArray();
    }

    @Override
    public void show(String text) {
        shown.append(text);
    }
}
