package dev.cyberia.inference.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cyberia.inference.InvalidModelException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A decoder model in the Hugging Face ONNX layout: {@code model.onnx} or
 * {@code decoder_model_merged.onnx}, {@code tokenizer.json}, {@code config.json},
 * {@code tokenizer_config.json} (with the chat template) and, optionally, {@code generation_config.json}.
 *
 * @param chatTemplate from {@code chat_template.jinja}, or {@code tokenizer_config.json} (its {@code default} when named)
 * @param toolUseTemplate the named {@code tool_use} template for requests with tools; else the chat template
 * @param specialTokens {@code bos_token}, {@code eos_token}, {@code pad_token}, {@code unk_token} (empty when none)
 * @param specialTokenTexts the text of every special token (removed from answers)
 * @param modelType {@code config.json}'s {@code model_type}
 */
public record ModelFolder(
        Path directory,
        String onnxModelName,
        int layers,
        int keyValueHeads,
        int headDimension,
        int maxPositions,
        Set<Long> endOfSequenceIds,
        String chatTemplate,
        String toolUseTemplate,
        Map<String, String> specialTokens,
        Set<String> specialTokenTexts,
        String modelType,
        int defaultMaxNewTokens) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static ModelFolder open(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new InvalidModelException("model folder " + directory + " does not exist");
        }
        String onnx = Files.exists(directory.resolve("model.onnx"))
                ? "model"
                : Files.exists(directory.resolve("decoder_model_merged.onnx")) ? "decoder_model_merged" : null;
        if (onnx == null) {
            throw new InvalidModelException(
                    "model folder " + directory + " is missing model.onnx (or decoder_model_merged.onnx)");
        }
        for (String required : List.of("tokenizer.json", "config.json", "tokenizer_config.json")) {
            if (!Files.exists(directory.resolve(required))) {
                throw new InvalidModelException("model folder " + directory + " is missing " + required);
            }
        }
        JsonNode config = read(directory, "config.json");
        JsonNode tokenizerConfig = read(directory, "tokenizer_config.json");
        JsonNode generation = Files.exists(directory.resolve("generation_config.json"))
                ? read(directory, "generation_config.json")
                : JSON.createObjectNode();
        int layers = intField(config, directory, "num_hidden_layers", "n_layer");
        int heads = intField(config, directory, "num_attention_heads", "n_head");
        int hidden = intField(config, directory, "hidden_size", "n_embd");
        int kvHeads = config.hasNonNull("num_key_value_heads")
                ? config.get("num_key_value_heads").asInt()
                : heads;
        int headDim = config.hasNonNull("head_dim") ? config.get("head_dim").asInt() : hidden / heads;
        int maxPositions = config.path("max_position_embeddings")
                .asInt(config.path("n_positions").asInt(2048));
        Set<Long> eos = new LinkedHashSet<>();
        addIds(eos, config.get("eos_token_id"));
        addIds(eos, generation.get("eos_token_id"));
        String template = null;
        String toolTemplate = null;
        JsonNode templates = tokenizerConfig.path("chat_template");
        if (Files.exists(directory.resolve("chat_template.jinja"))) { // newer exports keep it apart
            try {
                template = Files.readString(directory.resolve("chat_template.jinja"));
            } catch (IOException e) {
                throw new InvalidModelException("model folder " + directory + ": chat_template.jinja cannot be read");
            }
        } else if (templates.isArray()) { // named templates: "default", and "tool_use" for requests with tools
            for (JsonNode named : templates) {
                String name = named.path("name").asText();
                if (name.equals("default")) {
                    template = named.path("template").asText(null);
                } else if (name.equals("tool_use")) {
                    toolTemplate = named.path("template").asText(null);
                }
            }
        } else {
            template = templates.asText(null);
        }
        if (template == null || template.isBlank()) {
            throw new InvalidModelException(
                    "model folder " + directory + ": tokenizer_config.json has no chat_template");
        }
        Map<String, String> specials = new HashMap<>();
        for (String name : List.of("bos_token", "eos_token", "pad_token", "unk_token")) {
            specials.put(name, tokenText(tokenizerConfig.get(name)));
        }
        Set<String> specialTexts = new LinkedHashSet<>();
        read(directory, "tokenizer.json").path("added_tokens").forEach(t -> {
            if (t.path("special").asBoolean(false)) {
                specialTexts.add(t.path("content").asText());
            }
        });
        return new ModelFolder(
                directory,
                onnx,
                layers,
                kvHeads,
                headDim,
                maxPositions,
                Set.copyOf(eos),
                template,
                toolTemplate == null ? template : toolTemplate,
                Map.copyOf(specials),
                Set.copyOf(specialTexts),
                config.path("model_type").asText(""),
                generation.path("max_new_tokens").asInt(256));
    }

    private static JsonNode read(Path directory, String name) {
        try {
            return JSON.readTree(directory.resolve(name).toFile());
        } catch (IOException e) {
            throw new InvalidModelException(
                    "model folder " + directory + ": " + name + " is not valid JSON (" + e.getMessage() + ")");
        }
    }

    private static int intField(JsonNode config, Path directory, String... names) {
        for (String n : names) {
            if (config.hasNonNull(n)) {
                return config.get(n).asInt();
            }
        }
        throw new InvalidModelException("model folder " + directory + ": config.json has no " + names[0]);
    }

    private static void addIds(Set<Long> out, JsonNode node) {
        if (node == null || node.isNull()) {
            return;
        }
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asLong()));
        } else {
            out.add(node.asLong());
        }
    }

    private static String tokenText(JsonNode node) {
        if (node == null || node.isNull()) {
            return "";
        }
        return node.isTextual() ? node.asText() : node.path("content").asText("");
    }

    public List<String> pastInputNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < layers; i++) {
            names.add("past_key_values." + i + ".key");
            names.add("past_key_values." + i + ".value");
        }
        return names;
    }
}
