package dev.tollgate.turn;

import dev.tollgate.platform.Refusal;

/** How a turn began, for its front: with its first upstream event, or not at all. */
public sealed interface TurnStart {

    /**
     * The started turn; a refusal is thrown as the exception the front's mappers shape
     * (problem+json on {@code /api}, OpenAI's error object on {@code /v1}).
     */
    default Turn orElseThrow() {
        if (this instanceof NotStarted refused) {
            throw refused.refusal().exception();
        }
        return ((Started) this).turn();
    }

    /** The answer has begun; the front attaches its framer with {@link Turn#relayTo}. */
    record Started(Turn turn) implements TurnStart {
    }

    /**
     * No answer: admission refused it, or the LLM service failed before any token. Nothing is
     * charged, and the front answers with the refusal's status in its own error shape.
     */
    record NotStarted(Refusal refusal) implements TurnStart {
    }
}
