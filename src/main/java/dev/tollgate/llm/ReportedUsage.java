package dev.tollgate.llm;

/** One request the LLM service billed, from its usage report. */
public record ReportedUsage(String requestId, String companyId, String userId, String model, int promptTokens,
                            int completionTokens) {
}
