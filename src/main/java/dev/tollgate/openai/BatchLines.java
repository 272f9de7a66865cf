package dev.tollgate.openai;

import static dev.tollgate.platform.JsonFields.object;

import dev.tollgate.batch.ItemInput;
import dev.tollgate.platform.ProblemException;
import dev.tollgate.turn.Ask;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A batch input file in OpenAI's line format: {@code {custom_id, method: "POST", url:
 * "/v1/chat/completions", body}} per line, each body a Chat Completions request read as the
 * front reads one, every line for the same model, custom_ids unique. A wrong line is a 400 naming
 * it ({@code line 3}).
 */
record BatchLines(String model, List<ItemInput> items) {

    static final String ENDPOINT = "/v1/chat/completions";

    static BatchLines of(String content) {
        List<ItemInput> items = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        String model = null;
        String[] lines = content.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            String at = "line " + (i + 1);
            JsonObject line = object(lines[i], at);
            if (!(line.get("custom_id") instanceof JsonString customId) || customId.getString().isBlank()
                    || customId.getString().length() > 255) {
                throw ProblemException.invalidField(at, "custom_id must be a string of 1 to 255 characters");
            }
            if (!ids.add(customId.getString())) {
                throw ProblemException.invalidField(at, "repeats custom_id '" + customId.getString()
                        + "': each must be unique");
            }
            if (!(line.get("method") instanceof JsonString method) || !"POST".equals(method.getString())) {
                throw ProblemException.invalidField(at, "method must be \"POST\"");
            }
            if (!(line.get("url") instanceof JsonString url) || !ENDPOINT.equals(url.getString())) {
                throw ProblemException.invalidField(at, "url must be \"" + ENDPOINT + "\"");
            }
            if (!(line.get("body") instanceof JsonObject body)) {
                throw ProblemException.invalidField(at, "body must be a Chat Completions request object");
            }
            CompletionRequest request;
            try {
                request = CompletionRequest.of(body);
            } catch (ProblemException wrong) {
                throw ProblemException.invalidField(at, "body: " + wrong.getMessage());
            }
            if (request.stream()) {
                throw ProblemException.invalidField(at, "body: stream must be false or absent in a batch");
            }
            if (model != null && !model.equals(request.model())) {
                throw ProblemException.invalidField(at, "names model '" + request.model() + "'; every line of a batch "
                        + "must name the same model (the first names '" + model + "')");
            }
            model = request.model();
            Ask ask = request.ask(null);
            items.add(new ItemInput(customId.getString(), ask.query(), ask.messages(), ask.maxTokens(), ask.passOn()));
        }
        if (items.isEmpty()) {
            throw ProblemException.invalidField("file", "holds no requests");
        }
        return new BatchLines(model, items);
    }
}
