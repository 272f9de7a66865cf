package dev.tollgate.batch;

import jakarta.json.JsonObject;
import java.util.List;

/**
 * A batch as a front asks for it, each item read and its line checked: the model every item
 * uses, its items, the client's metadata, where to post progress (or null), how long it may take
 * ({@code completionWindow}, as OpenAI writes it: "24h"), which front asked, and the uploaded file
 * it came from (OpenAI's front; null on the native one).
 */
public record BatchAsk(String model, List<ItemInput> items, JsonObject metadata, String webhookUrl,
                       String completionWindow, Front front, String inputFileId) {

    /** The front a batch was asked through: its results are written in that front's shape. */
    public enum Front {
        NATIVE, OPENAI;

        String column() {
            return name().toLowerCase();
        }
    }
}
