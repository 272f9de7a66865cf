package dev.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every setting's default lives in microprofile-config.properties, and nowhere else. */
class ConfigDefaultsTest {

    private static final Pattern SETTING = Pattern.compile("@ConfigProperty\\(([^)]*)\\)\\s+(\\S+)");

    @Test
    void everySettingTheCodeReadsHasItsDefaultInThePropertiesFileAndOnlyThere() throws IOException {
        Properties defaults = new Properties();
        try (InputStream in = Files.newInputStream(Path.of("src/main/resources/META-INF/microprofile-config.properties"))) {
            defaults.load(in);
        }
        List<String> settings = new ArrayList<>();
        try (Stream<Path> sources = Files.walk(Path.of("src/main/java"))) {
            for (Path source : sources.filter(f -> f.toString().endsWith(".java")).toList()) {
                Matcher setting = SETTING.matcher(Files.readString(source));
                while (setting.find()) {
                    String annotation = setting.group(1);
                    String name = annotation.replaceAll(".*name = \"([^\"]+)\".*", "$1");
                    assertThat(annotation).as("%s in %s", name, source.getFileName()).doesNotContain("defaultValue");
                    if (!setting.group(2).startsWith("Optional")) {
                        assertThat(defaults).as("%s (%s) has a default", name, source.getFileName()).containsKey(name);
                    }
                    settings.add(name);
                }
            }
        }
        assertThat(settings).hasSizeGreaterThan(30).contains("tollgate.chat.default-max-tokens");
    }
}
