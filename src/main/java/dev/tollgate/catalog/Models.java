package dev.tollgate.catalog;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One version of the catalog: the models by name, in the file's order, and the default one. */
public record Models(Map<String, Model> byName, String defaultModel) {

    public Models {
        byName = Collections.unmodifiableMap(new LinkedHashMap<>(byName));
    }

    /**
     * The catalog without a file: every priced model of {@code tollgate.pricing.models}
     * ({@code name:prompt:completion,...}) served by the one seed service.
     */
    public static Models ofPricing(String spec, String defaultModel, String seedUrl) {
        Map<String, Model> models = new LinkedHashMap<>();
        for (String entry : spec.split(",")) {
            String[] parts = entry.trim().split(":");
            if (parts.length == 3) {
                String name = parts[0].trim();
                models.put(name, new Model(name, new Prices(Long.parseLong(parts[1].trim()), Long.parseLong(parts[2].trim())),
                        List.of(new Deployment(Deployment.Kind.SEED, seedUrl, name, null, 1, null, null, null)),
                        null, null, null, null));
            }
        }
        return new Models(models, defaultModel);
    }

    public Model find(String name) {
        return byName.get(name);
    }

    public Set<String> names() {
        return byName.keySet();
    }
}
