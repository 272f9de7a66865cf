package dev.tollgate.platform;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvTest {

    @Test
    void cellsThatWouldBreakTheLineAreQuotedAndQuotesDoubled() {
        assertThat(Csv.line("a,b", "say \"hi\"", "two\nlines", null, 42))
                .isEqualTo("\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",,42");
    }

    @Test
    void aTextCellNeverStartsAFormula() {
        assertThat(Csv.cell("=HYPERLINK(\"http://evil\")")).isEqualTo("\"'=HYPERLINK(\"\"http://evil\"\")\"");
        assertThat(Csv.cell("+1")).isEqualTo("'+1");
        assertThat(Csv.cell("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(Csv.cell(-5)).isEqualTo("-5"); // numbers stay numbers
    }
}
