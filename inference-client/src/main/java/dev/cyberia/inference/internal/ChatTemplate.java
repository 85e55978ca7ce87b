package dev.cyberia.inference.internal;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.interpret.RenderResult;
import dev.cyberia.inference.InvalidModelException;
import dev.cyberia.inference.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A model's own Jinja chat template, rendered with Jinjava (as the Hugging Face tokenizer does in Python). */
public final class ChatTemplate {
    private final Jinjava jinja;
    private final String template;
    private final String bosToken;
    private final String eosToken;

    public ChatTemplate(String template, String bosToken, String eosToken) {
        this.jinja = new Jinjava(
                JinjavaConfig.newBuilder().withFailOnUnknownTokens(false).build());
        this.template = template;
        this.bosToken = bosToken;
        this.eosToken = eosToken;
    }

    public String render(List<Message> messages, boolean addGenerationPrompt) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (Message m : messages) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("role", m.role());
            entry.put("content", m.content());
            list.add(entry);
        }
        Map<String, Object> context = new HashMap<>();
        context.put("messages", list);
        context.put("add_generation_prompt", addGenerationPrompt);
        context.put("bos_token", bosToken);
        context.put("eos_token", eosToken);
        RenderResult result = jinja.renderForResult(template, context);
        if (!result.getErrors().isEmpty()) {
            throw new InvalidModelException("the model's chat template does not render: "
                    + result.getErrors().get(0).getMessage());
        }
        return result.getOutput();
    }
}
