package dev.tollgate.credits;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.nio.charset.StandardCharsets;

/**
 * A prompt's tokens: counted with the model's tokenizer (jtokkit) where the catalog names one,
 * else estimated, deliberately high, at one token per 3 bytes of UTF-8 (English averages about 4
 * characters a token). Either way 4 more per message, for its frame.
 */
final class Tokenizers {

    private static final EncodingRegistry ENCODINGS = Encodings.newLazyEncodingRegistry();
    private static final int FRAME = 4;

    private Tokenizers() {
    }

    static long count(String tokenizer, String text) {
        if (tokenizer != null) {
            var type = EncodingType.fromName(tokenizer);
            if (type.isPresent()) {
                return ENCODINGS.getEncoding(type.get()).countTokensOrdinary(text) + FRAME;
            }
        }
        return estimate(text);
    }

    static long estimate(String text) {
        return (text.getBytes(StandardCharsets.UTF_8).length + 2) / 3 + FRAME;
    }
}
